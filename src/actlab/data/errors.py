"""Errors raised by `actlab.data`; all derive from `DatasetError` and a matching builtin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class DatasetError(Exception):
    """Base class of every error raised by `actlab.data`."""


class UnknownDatasetError(DatasetError, ValueError):
    """A dataset name that is not registered."""


class DatasetArgumentError(DatasetError, TypeError, ValueError):
    """A keyword argument that the dataset does not take, or a value it cannot use."""


class DataNotFoundError(DatasetError, FileNotFoundError):
    """Files of a dataset are missing and were not (or could not be) downloaded."""

    def __init__(self, message: str, missing: Sequence[str] = (), folder: Path | None = None):
        super().__init__(message)
        self.missing = tuple(missing)
        self.folder = folder

    def __str__(self) -> str:
        return str(self.args[0])


class DownloadError(DataNotFoundError, ConnectionError):
    """A download failed (offline, server gone, HTTP error, connection cut)."""


class ChecksumError(DatasetError, ValueError):
    """A file's SHA-256 is not the pinned one: corrupted, truncated or a different file."""

    def __init__(self, message: str, path: Path | str, expected: str = "", actual: str = ""):
        super().__init__(message)
        self.path = Path(path)
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        return str(self.args[0])


class FormatError(DatasetError, ValueError):
    """A file whose content cannot be parsed as the expected format."""
