"""The Optuna study: its RDB storage, its name, its sampler and pruner, and resuming it.

A study lives in an RDB storage URL (by default a SQLite file beside the actlab store:
``results.db`` -> ``results.optuna.db``) and is resumed by name, so a stopped study goes on
where it stopped and several processes (on one machine, or many with a shared PostgreSQL or
MySQL URL) work on one study. The study keeps what it was started with (the trials' task
recipe, the search space, the metric, the seeds) and refuses a call that asks for another.
"""

from __future__ import annotations

import json
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy.exc

from actlab.experiments import Store
from actlab.experiments.store import to_json
from actlab.tune.pruning import METRICS
from actlab.tune.space import TuneError
from actlab.tune.trials import trial_comparison

#: The study's user attribute that holds its settings.
SETTINGS_ATTR = "actlab"
SAMPLERS = ("tpe", "random")
PRUNERS = ("median", "none")
#: A trial is marked failed once its process has sent no heartbeat for this long (seconds).
HEARTBEAT_SECONDS = 60
#: Tries to open a storage that other processes may be creating at the same moment.
STORAGE_ATTEMPTS = 5
COUNTED_STATES = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)


def default_storage(db: str | Path) -> str:
    """The SQLite URL beside the actlab store `db`: ``results.db`` -> ``results.optuna.db``."""
    path = Path(db).absolute()
    return f"sqlite:///{path.with_name(path.stem + '.optuna.db')}"


def open_storage(url: str) -> optuna.storages.RDBStorage:
    """The RDB storage at `url` (created if new), with heartbeats so that a trial whose
    process died is marked failed and not left running forever.

    Processes started together on a new storage race to create its tables; the losers
    (a table that "already exists", a duplicate version row) try again and find them.
    """
    for attempt in range(1, STORAGE_ATTEMPTS + 1):
        try:
            return _rdb_storage(url)
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError) as error:
            failure: Exception = error
            if attempt < STORAGE_ATTEMPTS:
                time.sleep(0.2 * attempt)
                continue
        except Exception as error:  # SQLAlchemy's other kinds: a bad URL, a missing driver
            failure = error
        break
    raise TuneError(f"cannot open the Optuna storage {url!r}: {_one_line(failure)}")


def _rdb_storage(url: str) -> optuna.storages.RDBStorage:
    engine_kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    with warnings.catch_warnings():  # heartbeats: Optuna still calls them experimental
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RDBStorage(
            url, engine_kwargs=engine_kwargs, heartbeat_interval=HEARTBEAT_SECONDS,
            grace_period=2 * HEARTBEAT_SECONDS,
        )  # fmt: skip


def make_sampler(name: str, seed: int | None) -> optuna.samplers.BaseSampler:
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name != "tpe":
        raise TuneError(f"sampler must be one of {', '.join(SAMPLERS)}, got {name!r}")
    with warnings.catch_warnings():  # multivariate/group TPE: Optuna still calls it experimental
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        # group: parameters conditional on the chosen activation are modelled per branch.
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True)


def make_pruner(pruner: str | optuna.pruners.BasePruner) -> optuna.pruners.BasePruner:
    if isinstance(pruner, optuna.pruners.BasePruner):
        return pruner
    if pruner == "none":
        return optuna.pruners.NopPruner()
    if pruner != "median":
        raise TuneError(f"pruner must be one of {', '.join(PRUNERS)}, got {pruner!r}")
    # Not before 5 trials are complete, nor on a trial's first epoch.
    return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)


def open_study(
    storage: optuna.storages.BaseStorage,
    name: str,
    settings: dict[str, Any],
    *,
    sampler: str,
    sampler_seed: int | None,
    pruner: optuna.pruners.BasePruner,
    store: Store,
) -> optuna.Study:
    """Study `name`, created with `settings` or resumed when they are the same.

    A seeded sampler's seed is offset by the trials the study already holds, so that a
    resumed study does not draw its first trials' parameters again.
    """
    metric = settings["metric"]
    if metric not in METRICS:
        raise TuneError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    study = optuna.create_study(
        storage=storage, study_name=name, sampler=make_sampler(sampler, sampler_seed),
        pruner=pruner, direction=METRICS[metric], load_if_exists=True,
    )  # fmt: skip
    held = len(study.get_trials(deepcopy=False))
    if sampler_seed is not None and held:
        study.sampler = make_sampler(sampler, sampler_seed + held)
    stored = study.user_attrs.get(SETTINGS_ATTR)
    if stored is None:
        _check_store_has_no_trials(store, name)
        study.set_user_attr(SETTINGS_ATTR, json.loads(to_json(settings)))
    elif to_json(stored) != to_json(settings):
        raise TuneError(
            f"study {name!r} was started with other settings (differs in: "
            f"{', '.join(_changed(stored, json.loads(to_json(settings))))}); resume it with "
            "the same ones, or start another with --study NAME"
        )
    return study


@contextmanager
def optuna_warnings_only():
    """Optuna's own log at WARNING for a block (actlab prints a line per trial instead)."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


def counted_trials(study: optuna.Study) -> int:
    """Trials that count towards the study's total: complete and pruned ones."""
    return len(study.get_trials(deepcopy=False, states=COUNTED_STATES))


def _check_store_has_no_trials(store: Store, name: str) -> None:
    first = trial_comparison(name, 0)
    if store.has_comparison(first):
        raise TuneError(
            f"{store.path} already holds trials of a study {name!r} ({first}) that the Optuna "
            "storage does not have; give another --study NAME (or the storage that has it)"
        )


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    keys = sorted(set(old) | set(new))
    changed = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changed += [f"{key}.{sub}" for sub in _changed(a, b)]
        elif a != b:
            changed.append(key)
    return changed


def _one_line(error: BaseException) -> str:
    return " ".join((str(error).strip() or type(error).__name__).split())
