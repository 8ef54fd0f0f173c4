"""Settings for the whole suite."""

import os

# pytest-xdist's workers run with COLUMNS=80 in their environment; the CLI's console would
# then fold its tables as on an 80-column terminal. Tests choose their width themselves
# (CliRunner's terminal_width, or COLUMNS in a subprocess's environment).
os.environ.pop("COLUMNS", None)
