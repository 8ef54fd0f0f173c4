"""The shipped index holds exactly what the live registries hold, read back without Keras."""

from __future__ import annotations

import json
import subprocess
import sys

from actlab import activations, index, tasks


def test_shipped_index_is_up_to_date():
    assert index.INDEX_FILE.read_text(encoding="utf-8") == index.dumps(index.build()), (
        "src/actlab/index/index.json is stale: run `python -m actlab.index` and commit it"
    )


def test_index_reads_back_every_builtin_entry_with_its_metadata():
    shipped = index.Index.from_dict(json.loads(index.dumps(index.build())))
    live = [entry for entry in activations.specs() if entry.builtin]
    assert list(shipped.activations) == live  # fn and layer_class are not compared
    sample = {entry.name: entry for entry in shipped.activations}
    assert sample["elu"].params[0].name == "alpha" and sample["elu"].params[0].default == 1.0
    assert sample["prelu"].kind == "layer" and "learnable" in sample["prelu"].properties
    assert sample["tanhexp"].reference.arxiv == activations.spec("tanhexp").reference.arxiv
    assert sample["tanhexp"].fn is None  # data only: no code without Keras


def test_index_tasks_are_the_builtin_tasks():
    shipped = index.Index.from_dict(json.loads(index.dumps(index.build())))
    assert [tasks.Task.from_dict(t) for t in shipped.tasks] == tasks.predefined()
    assert {"digits_mlp", "cifar10_small_cnn", "fashion_mnist_frelu_cnn"} <= {
        t["name"] for t in shipped.tasks
    }


def test_loading_the_index_imports_no_keras():
    code = (
        "import sys; from actlab import index; i = index.load(); "
        "print(len(i.activations), len(i.tasks), 'keras' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    builtin = [entry for entry in activations.specs() if entry.builtin]
    assert done.stdout.split() == [str(len(builtin)), str(len(tasks.predefined())), "False"]
