"""A report is written whole or not at all: a write that fails midway (here a real process
whose file-size limit is hit) leaves the previous report as it was and names the file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from actlab import report

#: Runs `actlab report` with a file-size limit far below the report's size. The limit is set
#: after the imports (and matplotlib's font cache), so only the report's own writes hit it.
LIMITED_REPORT = """
import resource, signal, sys
import matplotlib.font_manager
from actlab.cli import app
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
app(sys.argv[1:])
"""


@pytest.mark.slow
def test_a_failed_write_keeps_the_previous_report_and_names_the_file(trained_db, tmp_path):
    out = tmp_path / "report.html"
    report.write_report(out, trained_db)
    before = out.read_bytes()
    assert len(before) > 2 * 64 * 1024
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_REPORT, "report", "--db", str(trained_db), "-o", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and "cannot write" in error[0] and str(tmp_path) in error[0]
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html"]
