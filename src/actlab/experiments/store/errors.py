"""What goes wrong with a results file: each error's message names the file and the fix."""

from __future__ import annotations


class StoreError(Exception):
    """A results file cannot be opened or used; the message names the file and the fix."""


class StoreNotFoundError(StoreError):
    """The file to read does not exist."""


class NotSQLiteError(StoreError):
    """The file is not a SQLite database at all."""


class CorruptStoreError(StoreError):
    """SQLite finds the file damaged; actlab neither reads nor writes it."""


class NotActlabDatabaseError(StoreError):
    """The file is a SQLite database that actlab did not create."""


class NewerSchemaError(StoreError):
    """The file was written by a newer actlab, with a schema this code does not know."""


class ReadOnlyStoreError(StoreError):
    """Writing is needed but the file, its directory or the Store is read-only."""


class StoreLockedError(StoreError):
    """Another process kept the database locked for longer than the busy timeout."""


class UnknownComparisonError(StoreError):
    """No comparison has that name or id."""


class ComparisonMismatchError(StoreError):
    """A comparison of that name exists with another task or config."""


class UnknownRunError(StoreError):
    """No run has that id."""


class RunStateError(StoreError):
    """The run is not in a state that allows the operation (e.g. finishing a finished run)."""
