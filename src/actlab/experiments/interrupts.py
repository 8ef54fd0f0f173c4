"""Ctrl-C during a comparison: a flag set by a SIGINT handler, checked where stopping is safe.

Python turns SIGINT into a KeyboardInterrupt raised wherever the main thread happens to be:
inside library code that catches every exception (Keras does, in places), or in the middle
of a run's final commit. Neither may decide the outcome, so while a comparison runs, Ctrl-C
only sets a flag; the runner looks at it at batch and epoch boundaries, after training, and
after each commit, and stops there. A second Ctrl-C raises KeyboardInterrupt at once (for a
step that takes too long to reach a boundary).
"""

from __future__ import annotations

import signal
import threading
from typing import Any


class ComparisonInterrupted(KeyboardInterrupt):
    """Ctrl-C during a comparison: the current run is marked interrupted, the rest is kept."""


class InterruptFlag:
    """``with InterruptFlag() as flag:`` SIGINT sets ``flag.requested`` instead of raising.

    Installed only in the main thread (the only one that receives signals) and only where
    SIGINT is not ignored; the previous handler is restored when the block ends.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> InterruptFlag:
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._installed:
            # None: the previous handler was not set from Python; SIG_DFL is its meaning.
            signal.signal(signal.SIGINT, self._previous or signal.SIG_DFL)
            self._installed = False

    def __call__(self) -> bool:
        """Whether Ctrl-C was pressed (a callable for code that only needs to ask)."""
        return self.requested

    def check(self, during: str) -> None:
        """Raise ComparisonInterrupted (naming what was going on) once Ctrl-C was pressed."""
        if self.requested:
            raise ComparisonInterrupted(during)

    def _handle(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
