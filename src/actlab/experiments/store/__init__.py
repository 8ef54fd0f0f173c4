"""The results store: one SQLite file holding comparisons, their runs and every epoch.

`Store` (``store.py``) is the way in: its queries are in ``queries.py``. The file's tables,
version and migrations are in ``schema.py``; opening and checking a file in ``opening.py``;
connections, transactions and the translation of SQLite's errors in ``connection.py``; the
errors themselves in ``errors.py``; how values are encoded in ``codecs.py``; epoch records and
the times derived from them in ``epochs.py``; a failed run's stored error in ``failures.py``.

This package imports neither Keras nor the rest of actlab (its modules import each other
relatively), so that it can be loaded on its own by path.
"""

from .codecs import RunKey, arrays_to_npz, npz_to_arrays, params_key, run_key, run_label, to_json
from .epochs import median_epoch_seconds, step_seconds, warmup_seconds
from .errors import (
    ComparisonMismatchError,
    CorruptStoreError,
    NewerSchemaError,
    NotActlabDatabaseError,
    NotSQLiteError,
    ReadOnlyStoreError,
    RunStateError,
    StoreError,
    StoreLockedError,
    StoreNotFoundError,
    UnknownComparisonError,
    UnknownRunError,
)
from .failures import error_reason, exception_summary
from .leases import HEARTBEAT_SECONDS, LEASE_SECONDS
from .opening import DEFAULT_DB
from .schema import (
    ADDED_COLUMNS,
    APPLICATION,
    BLOB_KINDS,
    EPOCH_COUNTS,
    EPOCH_FIELDS,
    SCHEMA_VERSION,
)
from .store import DONE_STATUSES, RunClaim, Store

__all__ = [
    "ADDED_COLUMNS",
    "APPLICATION",
    "BLOB_KINDS",
    "DEFAULT_DB",
    "DONE_STATUSES",
    "EPOCH_COUNTS",
    "EPOCH_FIELDS",
    "HEARTBEAT_SECONDS",
    "LEASE_SECONDS",
    "SCHEMA_VERSION",
    "ComparisonMismatchError",
    "CorruptStoreError",
    "NewerSchemaError",
    "NotActlabDatabaseError",
    "NotSQLiteError",
    "ReadOnlyStoreError",
    "RunClaim",
    "RunKey",
    "RunStateError",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StoreNotFoundError",
    "UnknownComparisonError",
    "UnknownRunError",
    "arrays_to_npz",
    "error_reason",
    "exception_summary",
    "median_epoch_seconds",
    "npz_to_arrays",
    "params_key",
    "run_key",
    "run_label",
    "step_seconds",
    "to_json",
    "warmup_seconds",
]
