"""What a comparison's runs must share besides the task recipe: the environment (backend and
dtype policy), and your own data's and model's fingerprints. A comparison reopened with
another is refused, naming the difference and the fix: its runs are never mixed in one table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actlab.experiments import environment
from actlab.experiments.store import ComparisonMismatchError, Store


def check_same(
    store: Store, name: str, stored: Mapping[str, Any], config: Mapping[str, Any]
) -> None:
    """Raise `ComparisonMismatchError` if comparison `name`, stored with config `stored`, has
    another environment, data or model than `config`."""
    was = stored_environment(store, name, stored)
    now = config["environment"]
    where = f"comparison {name!r} in {store.path}"
    if was is not None and was != now:
        raise ComparisonMismatchError(
            f"{where} was run on {environment.text(was)}, not on {environment.text(now)}; "
            "runs of two backends or dtype policies are never mixed in one table: run it with "
            f"KERAS_BACKEND={was['backend']} (dtype policy {was['dtype_policy']}), or give "
            f"this one another name (e.g. --name {name + environment.name_suffix(now)!r})"
        )
    nested = stored if isinstance(stored.get("task"), Mapping) else {}  # older: recipe alone
    for key, what in (("data", "data"), ("model", "model")):
        if nested.get(key) != config.get(key):
            raise ComparisonMismatchError(
                f"{where} was run with other {what} ({_text(nested.get(key))}; now "
                f"{_text(config.get(key))}); its runs are never mixed with these: give this "
                "comparison another name (name=... or --name)"
            )


def stored_environment(store: Store, name: str, stored: Mapping[str, Any]) -> dict[str, str] | None:
    """The comparison's environment: stored with it, or (stored by an older actlab) the one
    its runs recorded; None when it has no runs to tell."""
    if isinstance(stored.get("environment"), Mapping):
        return dict(stored["environment"])
    runs = store.runs(name)
    found = {
        (config.get("backend"), config.get("dtype_policy"))
        for config in runs["config"]
        if isinstance(config, Mapping) and config.get("backend")
    }
    if not found:
        return None
    backend, policy = sorted(found, key=str)[0]
    return {"backend": str(backend), "dtype_policy": str(policy or "float32")}


def _text(entry: Any) -> str:
    if not isinstance(entry, Mapping):
        return "actlab's own"
    if "dataset" in entry:
        return (
            f"dataset {entry['dataset']!r}: {entry.get('train')} train and {entry.get('test')} "
            f"test examples, fingerprint {entry.get('fingerprint')}"
        )
    return f"model {entry.get('model')!r}, fingerprint {entry.get('fingerprint')}"
