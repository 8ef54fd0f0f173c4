"""`compare` on your own data and model: arrays, tf.data, a torch DataLoader or a registered
dataset; a registered builder, a builder function or a Keras model; a `Task` object; and a
task from a file given with ``--import``. Stored like every comparison, identified by the
data's and model's fingerprints, and refused in one line when they cannot work."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
from typer.testing import CliRunner

import actlab
from actlab import data, models, tasks
from actlab.cli import app
from actlab.experiments import Store, StoreError, compare
from actlab.models import ModelMismatchError
from actlab.tasks import Task

RNG = np.random.default_rng(5)
X = RNG.normal(size=(96, 6)).astype("float32")
Y = ((X[:, 0] > 0).astype("int64") + (X[:, 1] > 0)).astype("int64")  # three classes
ARRAYS = ((X[:64], Y[:64]), (X[64:], Y[64:]))
FAST = {"seeds": 1, "epochs": 1, "quiet": True, "keep_models": False}


def small_net(name: str = "small_net", classes: int = 3) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(classes, activation="softmax"),
        ],
        name=name,
    )


def builder(activation, input_shape, num_classes):
    """A builder function of the user's own."""
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Dense(8, activation=activation),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )


def test_numpy_arrays_and_a_keras_model_are_compared_and_stored(tmp_path):
    db = tmp_path / "own.db"
    result = compare(["relu", "mish"], data=ARRAYS, model=small_net(), db=db, **FAST)
    assert result.name == "small_net_on_arrays[epochs=1]"
    runs = result.runs()
    assert sorted(runs["label"]) == ["mish", "relu"]
    assert set(runs["status"]) == {"finished"}
    assert result.table().loc["mish", "runs_finished"] == 1
    # the registrations lasted for the comparison only
    assert "arrays" not in data.names() and "small_net" not in models.names()
    with Store(db, readonly=True) as store:
        config = store.comparisons().set_index("name").loc[result.name, "config"]
    assert config["task"]["dataset"] == "arrays" and config["task"]["model"] == "small_net"
    assert config["task"]["input_shape"] == [6] and config["task"]["num_classes"] == 3
    assert config["data"]["train"] == 64 and config["data"]["test"] == 32
    assert len(config["model"]["fingerprint"]) == 16


def test_the_same_comparison_again_resumes_and_other_data_are_refused(tmp_path):
    db = tmp_path / "own.db"
    first = compare(["relu"], data=ARRAYS, model=small_net(), db=db, **FAST)
    again = compare(["relu"], data=ARRAYS, model=small_net(), db=db, **FAST)
    assert again.runs()["run_id"].tolist() == first.runs()["run_id"].tolist()
    changed = X.copy()
    changed[0, 0] += 1.0
    other = ((changed[:64], Y[:64]), (changed[64:], Y[64:]))
    with pytest.raises(StoreError, match=r"was run with other data .* another name"):
        compare(["relu"], data=other, model=small_net(), db=db, **FAST)
    wider = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(9, activation="relu"),
         keras.layers.Dense(3, activation="softmax")], name="small_net",
    )  # fmt: skip
    with pytest.raises(StoreError, match="was run with other model"):
        compare(["relu"], data=ARRAYS, model=wider, db=db, **FAST)
    renamed = compare(["relu"], data=other, model=small_net(), db=db, name="other", **FAST)
    assert len(renamed.runs()) == 1


def test_a_tf_data_dataset_trains_like_the_same_arrays(tmp_path):
    tf = pytest.importorskip("tensorflow")
    train = tf.data.Dataset.from_tensor_slices(ARRAYS[0]).batch(16)
    test = tf.data.Dataset.from_tensor_slices(ARRAYS[1])
    db = tmp_path / "tf.db"
    by_tf = compare(["relu"], data=(train, test), model=small_net(), db=db, **FAST)
    by_arrays = compare(["relu"], data=ARRAYS, model=small_net(), db=db, **FAST)
    assert by_tf.name == "small_net_on_tf_data[epochs=1]"
    assert by_tf.runs()["test_accuracy"].tolist() == by_arrays.runs()["test_accuracy"].tolist()


def test_a_torch_dataloader_and_a_builder_function(tmp_path):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    def loader(x, y):
        return DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=16)

    result = compare(["tanh"], data=(loader(*ARRAYS[0]), loader(*ARRAYS[1])),
                     model=builder, db=tmp_path / "torch.db", **FAST)  # fmt: skip
    assert result.name == "builder_on_torch_data[epochs=1]"
    assert set(result.runs()["status"]) == {"finished"}


def test_a_task_object_is_the_task_of_that_name(tmp_path):
    db = tmp_path / "task.db"
    by_object = compare(["relu"], task=tasks.get("digits_mlp"), db=db, **FAST)
    by_name = compare(["relu"], task="digits_mlp", db=db, **FAST)
    assert by_object.name == by_name.name == "digits_mlp[epochs=1]"
    assert len(by_name.runs()) == 1  # the second call found the first one's run


def test_registered_data_model_and_task_by_name(tmp_path):
    data.register("my_rows", lambda: ARRAYS)
    models.register("my_builder", builder)
    task = Task(name="my_rows_task", dataset="my_rows", model="my_builder", input_shape=(6,),
                num_classes=3, batch_size=16)  # fmt: skip
    tasks.register(task)
    try:
        result = compare(["mish"], task="my_rows_task", db=tmp_path / "r.db", **FAST)
        assert set(result.runs()["status"]) == {"finished"}
        mixed = compare(["relu"], task="digits_mlp", data="my_rows", db=tmp_path / "r.db", **FAST)
        assert mixed.name == "mlp_on_my_rows[epochs=1]"  # digits_mlp's recipe and model
    finally:
        tasks.unregister("my_rows_task")
        models.unregister("my_builder")
        data.unregister("my_rows")


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (small_net(classes=2), r"2 output units but the labels have 3 classes"),
        (
            keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")], name="narrow"),
            r"takes inputs of shape \(5,\) but the data's are \(6,\)",
        ),
        (
            keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")],
                             name="linear_net"),
            "no hidden activation to swap",
        ),
        (small_net(name="mlp"), "like actlab's own model"),
    ],
)  # fmt: skip
def test_a_model_that_cannot_work_fails_before_any_run(tmp_path, model, message):
    db = tmp_path / "bad.db"
    with pytest.raises(ValueError, match=message) as caught:
        compare(["relu"], data=ARRAYS, model=model, db=db, **FAST)
    assert "\n" not in str(caught.value)
    assert not db.exists() or Store(db, readonly=True).comparisons().empty


def test_a_builder_that_raises_is_named(tmp_path):
    def broken(activation, input_shape, num_classes):
        raise RuntimeError("no GPU here")

    with pytest.raises(ModelMismatchError, match=r"'broken' could not be built .*no GPU here"):
        compare(["relu"], data=ARRAYS, model=broken, db=tmp_path / "b.db", **FAST)


def test_bad_data_fail_in_one_line(tmp_path):
    with pytest.raises(ValueError, match=r"one-hot .*argmax"):
        compare(["relu"], data=((X, np.eye(3)[Y]), ARRAYS[1]), model=small_net(),
                db=tmp_path / "d.db", **FAST)  # fmt: skip
    with pytest.raises(ValueError, match="unknown dataset 'nope'"):
        compare(["relu"], data="nope", db=tmp_path / "d.db", **FAST)
    with pytest.raises(TypeError, match="task must be a task name"):
        compare(["relu"], task=3, db=tmp_path / "d.db", **FAST)  # type: ignore[arg-type]


def test_compare_is_on_the_package(tmp_path):
    result = actlab.compare(["relu"], data=ARRAYS, db=tmp_path / "p.db", **FAST)
    assert result.name == "mlp_on_arrays[epochs=1]"  # the mlp, Task's default recipe


TASK_FILE = """
import numpy as np
import keras
import actlab
from actlab.tasks import Task

rng = np.random.default_rng(5)
x = rng.normal(size=(96, 6)).astype("float32")
y = ((x[:, 0] > 0).astype("int64") + (x[:, 1] > 0)).astype("int64")

actlab.data.register("file_rows", lambda: ((x[:64], y[:64]), (x[64:], y[64:])), override=True)
actlab.models.register("file_net", keras.Sequential([
    keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
    ]), override=True)
actlab.tasks.register(Task(name="file_task", dataset="file_rows", model="file_net",
                           input_shape=(6,), num_classes=3, batch_size=16), override=True)
"""


def test_a_task_from_a_file_given_with_import(tmp_path):
    module = tmp_path / "my_tasks.py"
    module.write_text(textwrap.dedent(TASK_FILE))
    db = tmp_path / "cli.db"
    try:
        args = ["compare", "relu", "mish", "--import", str(module), "--task", "file_task",
                "--seeds", "1", "--epochs", "1", "--quiet", "--db", str(db)]  # fmt: skip
        done = CliRunner().invoke(app, args, terminal_width=200)
        assert done.exit_code == 0, done.output
        assert "file_task[epochs=1]" in done.output and "mish" in done.output
        runs = CliRunner().invoke(app, ["runs", "--db", str(db)], terminal_width=200)
        assert runs.exit_code == 0 and "file_task" in runs.output, runs.output
        listed = CliRunner().invoke(app, ["tasks", "--import", str(module)], terminal_width=200)
        assert listed.exit_code == 0 and "file_task" in listed.output, listed.output
        exported = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "csv"])
        assert exported.exit_code == 0 and "file_task" in exported.output, exported.output
    finally:
        tasks.unregister("file_task")
        models.unregister("file_net")
        data.unregister("file_rows")


def _readme_section_blocks(fence: str) -> list[str]:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own data and model\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{fence}\n(.*?)```", section, re.S)


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    example = _readme_section_blocks("python")[0]
    exec(compile(example, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    assert "my_mlp_on_arrays[epochs=1]" in printed and "mish" in printed
    with Store(tmp_path / "my.db", readonly=True) as store:
        assert len(store.runs("my_mlp_on_arrays[epochs=1]")) == 4


def test_the_readme_task_file_runs_on_the_command_line(tmp_path):
    (tmp_path / "my_tasks.py").write_text(_readme_section_blocks("python")[1])
    command = _readme_section_blocks("bash")[0].split()
    assert command[:2] == ["actlab", "compare"]
    args = [a.replace("my_tasks.py", str(tmp_path / "my_tasks.py")) for a in command[1:]]
    args = [a for a in args if a != "tanhexp"]  # two activations, one seed, one epoch: quick
    args[args.index("--seeds") + 1] = "1"
    db = tmp_path / "cli.db"
    try:
        done = CliRunner().invoke(app, [*args, "--epochs", "1", "--quiet", "--db", str(db)],
                                  terminal_width=200)  # fmt: skip
        assert done.exit_code == 0, done.output
        assert "my_rows_mlp[epochs=1]" in done.output
    finally:
        tasks.unregister("my_rows_mlp")
        models.unregister("wide_mlp")
        data.unregister("my_rows")
