"""A failed run's error as stored: its one-line summary, then its traceback; and the reason
read back from it (this actlab's or an older store's)."""

from __future__ import annotations

import re
import traceback
from typing import Any

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def exception_summary(error: BaseException) -> str:
    """``"ValueError: the message"`` on one line: the exception's own words.

    Keras re-raises an error as a new one that quotes it (adding a layer call's arguments,
    with ANSI codes, or "Unable to automatically build the model"); the earliest error that
    the later ones only quote is summarised instead.
    """
    while (inner := error.__cause__ or error.__context__) is not None:
        quoted = _flat_message(inner)
        if not quoted or quoted not in _flat_message(error):
            break
        error = inner
    message = _flat_message(error)
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def error_reason(error: Any) -> str:
    """The one-line reason of a run's stored error: its first line (this actlab stores the
    exception's summary there), or the last line of an older store's bare traceback."""
    if not isinstance(error, str) or not error.strip():
        return ""
    lines = [line.strip() for line in _strip_ansi(error).strip().splitlines() if line.strip()]
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def error_text(error: str | BaseException | None) -> str | None:
    """An exception as its one-line summary, a blank line, then its traceback."""
    if isinstance(error, BaseException):
        trace = "".join(traceback.format_exception(error)).rstrip()
        return f"{exception_summary(error)}\n\n{_strip_ansi(trace)}"
    return None if error is None else str(error)


def _flat_message(error: BaseException) -> str:
    return " ".join(_strip_ansi(str(error)).split())


def _strip_ansi(text: str) -> str:
    return _ANSI_ESCAPE.sub("", text)
