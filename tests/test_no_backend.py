"""With no Keras backend installed (TensorFlow hidden from imports here), `import actlab` and
the commands that train nothing work, and a command that needs Keras says, in one line, which
extra to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HIDE_TENSORFLOW = textwrap.dedent(
    """
    import importlib.abc, os, sys

    class NoTensorFlow(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == "tensorflow":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoTensorFlow())
    os.environ["KERAS_BACKEND"] = "tensorflow"
    """
)

COMMANDS = HIDE_TENSORFLOW + textwrap.dedent(
    """
    import actlab
    from typer.testing import CliRunner
    from actlab.cli import app

    db = sys.argv[1]
    for args in (["--help"], ["--version"], ["runs", "--db", db], ["export", "--db", db],
                 ["list"], ["show", "relu"], ["tasks"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    for args in (["compare", "relu", "--task", "digits_mlp", "--db", db],
                 ["plot", "relu", "-o", db + ".png"]):
        result = CliRunner().invoke(app, args)
        print(result.exit_code, result.output.strip())
    """
)


def test_no_backend_light_commands_work_and_training_names_the_extra(tmp_path):
    from actlab.experiments.store import Store

    db = tmp_path / "empty.db"
    with Store(db):
        pass
    done = subprocess.run([sys.executable, "-c", COMMANDS, str(db)], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    message = (
        "2 error: Keras' tensorflow backend is not installed: pip install 'actlab[tensorflow]' "
        "(or choose an installed one: KERAS_BACKEND=jax or torch)"
    )
    assert done.stdout.splitlines() == [message, message]
