"""Commands that train nothing start without Keras or a backend, and `import actlab` alone
loads neither; the catalog still joins Keras' activation strings whichever comes first."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEAVY = ("keras", "tensorflow", "jax", "torch")

LIGHT_COMMANDS = textwrap.dedent(
    """
    import sys
    from typer.testing import CliRunner
    from actlab.cli import app
    from actlab.experiments.store import Store

    HEAVY = ("keras", "tensorflow", "jax", "torch")
    db = sys.argv[1]
    with Store(db):
        pass
    for args in (["--help"], ["--version"], ["compare", "--help"], ["tune", "--help"],
                 ["runs", "--db", db], ["export", "--db", db], ["export", "--format", "json",
                 "--db", db], ["list"], ["list", "--kind", "layer"], ["show", "tanhexp"],
                 ["show", "PReLU"], ["tasks"], ["docs", "-o", sys.argv[2]]):
        result = CliRunner().invoke(app, args, terminal_width=200)
        assert result.exit_code == 0, (args, result.output)
    listed = CliRunner().invoke(app, ["list"], terminal_width=200).output
    assert "tanhexp" in listed and "frelu" in listed, listed
    shown = CliRunner().invoke(app, ["show", "tanhexp"], terminal_width=200).output
    assert "tanh(e^{x})" in shown and "arxiv.org/abs/2003.09855" in shown, shown
    tasks = CliRunner().invoke(app, ["tasks"], terminal_width=200).output
    assert "fashion_mnist_frelu_cnn" in tasks, tasks
    unknown = CliRunner().invoke(app, ["show", "tanhexpp"])
    assert unknown.exit_code == 2 and "Did you mean 'tanhexp'" in unknown.output, unknown.output
    print(",".join(name for name in HEAVY if name in sys.modules) or "none")
    """
)


def run_python(code: str, *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)  # fmt: skip


def test_light_commands_import_neither_keras_nor_a_backend(tmp_path):
    page = tmp_path / "catalog.md"
    done = run_python(LIGHT_COMMANDS, str(tmp_path / "light.db"), str(page))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
    assert "`frelu` (layer)" in page.read_text(encoding="utf-8")


def test_import_actlab_alone_loads_no_keras():
    done = run_python(f"import sys, actlab; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_keras_imported_after_actlab_knows_the_catalog():
    code = textwrap.dedent(
        """
        import importlib.util
        import actlab
        importlib.util.find_spec("keras")  # a probe loads nothing (TensorFlow's start-up makes one)
        import keras
        print(keras.activations.get("tanhexp").__name__)
        print(keras.layers.Dense(2, activation="serf").activation.__name__)
        """
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["tanhexp", "serf"]
