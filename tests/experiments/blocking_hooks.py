"""Loaded by the Ctrl-C tests with ``actlab compare --import``: it holds a comparison at a
chosen point until the test has sent its signal, so no test depends on timing.

It always registers ``blocking_relu`` (ReLU) and ``blocking_leaky_relu`` (leaky ReLU, with a
slope to tune). With ``ACTLAB_TEST_HOOKS`` naming a folder,
``ACTLAB_TEST_BLOCK`` chooses where the process waits, after writing ``ready`` there (holding
its process id: a worker process's, with ``--jobs`` or Ray; ``waiting`` gains a line with it
too), until the test writes ``go``:

* ``activation``: the first call of ``blocking_relu`` (while its run builds its model). The
  wait swallows every exception, as code inside Keras that catches everything would swallow
  a KeyboardInterrupt raised there.
* ``worker-run``: the same, but only in a worker process (``--jobs``), and not in its
  warm-up: so a test knows which process waits, whichever run the driver trains itself.
* ``commit``: inside the transaction of the first run's final commit.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

from keras import ops

from actlab import activations
from actlab.experiments.store import store as store_module  # the module of Store._end_run

FOLDER = os.environ.get("ACTLAB_TEST_HOOKS")
BLOCK = os.environ.get("ACTLAB_TEST_BLOCK")
#: A test that never writes ``go`` fails after this long instead of hanging.
WAIT_LIMIT_SECONDS = 600


def _wait_for_go(swallow: bool) -> None:
    folder = Path(FOLDER)
    (folder / "ready").write_text(str(os.getpid()))  # the waiting process, to signal or kill
    with (folder / "waiting").open("a") as waiting:  # every one, when several wait
        waiting.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"blocking_hooks: nobody wrote {folder / 'go'}")
        try:
            time.sleep(0.01)
        except BaseException:
            if not swallow:
                raise


def _blocks_here() -> bool:
    if not FOLDER:
        return False
    if BLOCK == "activation":
        return True
    in_worker = multiprocessing.parent_process() is not None
    return BLOCK == "worker-run" and in_worker and not _in_warm_up()


def _in_warm_up() -> bool:
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "warm_up":
            return True
        frame = frame.f_back
    return False


@activations.register(name="blocking_relu", formula=r"\max(0, x)", fuse=False, override=True)
def blocking_relu(x):
    """ReLU that first waits for the test (ACTLAB_TEST_BLOCK=activation or worker-run)."""
    if _blocks_here():
        _wait_for_go(swallow=True)
    return ops.relu(x)


@activations.register(
    name="blocking_leaky_relu", formula=r"\max(\alpha x, x)", fuse=False, override=True,
    params=(activations.Param("negative_slope", 0.01, low=0.001, high=0.5),),
)  # fmt: skip
def blocking_leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU that first waits for the test, as blocking_relu does."""
    if _blocks_here():
        _wait_for_go(swallow=True)
    return ops.leaky_relu(x, negative_slope)


if FOLDER and BLOCK == "commit":
    _stored_epochs = store_module._stored_epochs

    def _blocking_stored_epochs(conn, run_id):
        """Called inside every run's final transaction (Store._end_run)."""
        _wait_for_go(swallow=False)
        return _stored_epochs(conn, run_id)

    store_module._stored_epochs = _blocking_stored_epochs
