"""`compare`: train every (activation, seed) pair of a task, resumably, into the store."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actlab import activations as catalog
from actlab import tasks as task_catalog
from actlab.experiments import environment
from actlab.experiments.progress import Progress
from actlab.experiments.result import ComparisonResult, run_label
from actlab.experiments.store import Store, run_key
from actlab.experiments.training import train_one, warm_up

DEFAULT_DB = "actlab.db"


class ComparisonInterrupted(KeyboardInterrupt):
    """Ctrl-C during a comparison: the current run is marked interrupted, the rest is kept."""


@dataclass(frozen=True)
class Candidate:
    """One activation of a comparison, with its parameters, e.g. ``elu:alpha=0.5``."""

    name: str
    params: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return run_label(self.name, self.params)

    @classmethod
    def parse(cls, text: str | Candidate) -> Candidate:
        """``"tanhexp"`` or ``"elu:alpha=0.5,..."``; checked against the catalog."""
        if isinstance(text, Candidate):
            return text
        name, _, param_text = str(text).partition(":")
        entry = catalog.spec(name)
        raw = dict(_parse_assignment(item, text) for item in param_text.split(",") if item)
        params = entry.validate_params(raw)
        return cls(entry.name, {k: v for k, v in params.items() if k in raw})


def _parse_assignment(item: str, whole: str) -> tuple[str, float]:
    key, sep, value = item.partition("=")
    try:
        if not sep:
            raise ValueError
        return key.strip(), float(value)
    except ValueError:
        raise ValueError(
            f"cannot read activation parameters in {whole!r}: write them as "
            "name:param=value,param=value (e.g. elu:alpha=0.5)"
        ) from None


def seed_list(seeds: int | Iterable[int]) -> list[int]:
    """``5`` -> seeds 0..4; an explicit list is kept as given."""
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        return list(range(seeds))
    chosen = [int(s) for s in seeds]
    if not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(f"seeds must be distinct integers, got {chosen}")
    return chosen


def default_name(task, overrides: dict[str, Any]) -> str:
    """A comparison's name from its task and overrides, so a changed recipe is a new one."""
    if not overrides:
        return task.name
    return task.name + "[" + ",".join(f"{k}={overrides[k]}" for k in sorted(overrides)) + "]"


def compare(
    activations: Sequence[str | Candidate],
    task: str = "fashion_mnist_mlp",
    seeds: int | Iterable[int] = 5,
    *,
    epochs: int | None = None,
    baseline: str | None = None,
    db: str | Path = DEFAULT_DB,
    name: str | None = None,
    overrides: dict[str, Any] | None = None,
    data_dir: str | Path | None = None,
    keep_models: bool = True,
    quiet: bool = False,
) -> ComparisonResult:
    """Train every (activation, seed) pair not yet in `db`, then answer with statistics.

    Runs already finished (or diverged) in the same comparison are skipped, so the same call
    after a crash or Ctrl-C completes only what is missing. A run whose loss turns NaN/inf is
    recorded as diverged, one that raises as failed, and the comparison goes on.

    So that order cannot bias time, runs go seed by seed (every activation with seed 0, then
    with seed 1, ...), and an untimed warm-up training comes before the first run.
    """
    candidates = _unique([Candidate.parse(a) for a in activations])
    overrides = dict(overrides or {})
    if epochs is not None:
        overrides["epochs"] = epochs
    the_task = task_catalog.get(task, **overrides)
    chosen_seeds = seed_list(seeds)
    baseline_label = _baseline_label(baseline, candidates)
    comparison = name or default_name(the_task, overrides)
    with Store(db) as store:
        comparison_id = store.create_comparison(comparison, the_task.name, the_task.to_dict())
        pending = _pending(store, comparison_id, candidates, chosen_seeds)
        if pending:
            data = the_task.load_data(data_dir=data_dir)
            _warm_up(the_task, data, pending)
            with Progress(len(pending), the_task.epochs, quiet=quiet) as progress:
                for candidate, seed in pending:
                    _run(store, comparison_id, the_task, data, candidate, seed, overrides,
                         keep_models, progress)  # fmt: skip
    return ComparisonResult(
        db=Path(db), name=comparison, labels=[c.label for c in candidates], seeds=chosen_seeds,
        baseline=baseline_label,
    )  # fmt: skip


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    if not candidates:
        raise ValueError("give at least one activation to compare")
    seen: dict[str, Candidate] = {}
    for c in candidates:
        seen.setdefault(c.label, c)
    return list(seen.values())


def _baseline_label(baseline: str | None, candidates: list[Candidate]) -> str:
    if baseline is None:
        return candidates[0].label
    label = Candidate.parse(baseline).label
    if label not in [c.label for c in candidates]:
        raise ValueError(
            f"baseline {baseline!r} is not among the compared activations "
            f"({', '.join(c.label for c in candidates)}); add it to the list."
        )
    return label


def _pending(store: Store, comparison_id: int, candidates, seeds) -> list[tuple[Candidate, int]]:
    """The runs still to do, seed-major: a noisy machine's drift spreads over activations."""
    done = store.done_keys(comparison_id)
    return [
        (c, s) for s in seeds for c in candidates
        if not _is_done(done, c, s)
    ]  # fmt: skip


def _warm_up(task, data, pending: list[tuple[Candidate, int]]) -> None:
    """Untimed warm-up with the first pending activation that trains (see `warm_up`).

    An activation that fails here is simply passed over: its own run records the failure.
    """
    for candidate in {c.label: c for c, _ in pending}.values():
        try:
            warm_up(task, data, candidate.name, candidate.params, pending[0][1])
            return
        except KeyboardInterrupt:
            raise ComparisonInterrupted("the warm-up before the first run") from None
        except Exception:  # recorded by the activation's own run
            continue


def _is_done(done, candidate: Candidate, seed: int) -> bool:
    return run_key(candidate.name, candidate.params, seed) in done


def _run(store, comparison_id, task, data, candidate, seed, overrides, keep_models, progress):
    config = {
        "task": task.to_dict(),
        "overrides": overrides,
        "activation": candidate.name,
        "params": candidate.params,
        "seed": seed,
        **environment.describe(),
    }
    run_id = store.start_run(comparison_id, candidate.name, candidate.params, seed, config)
    progress.start_run(f"{candidate.label} seed {seed}")
    epochs_so_far: list[dict] = []

    def on_epoch(record):
        epochs_so_far.append(record)
        store.add_epoch(run_id, **record)
        progress.epoch_done(record)

    try:
        outcome = train_one(task, data, candidate.name, candidate.params, seed,
                            keep_model=keep_models, on_epoch=on_epoch)  # fmt: skip
    except KeyboardInterrupt:
        store.mark_run(run_id, "interrupted", error="interrupted by the user (Ctrl-C)")
        raise ComparisonInterrupted(f"{candidate.label} seed {seed}") from None
    except Exception as error:  # any failure of a user activation is recorded
        store.mark_run(run_id, "failed", error="".join(traceback.format_exception(error)),
                       epochs=epochs_so_far)  # fmt: skip
        progress.run_done(f"{candidate.label} seed {seed}: failed ({error})")
        return
    _record(store, run_id, outcome)
    progress.run_done(_describe_outcome(candidate, seed, outcome))


def _record(store, run_id, outcome) -> None:
    if outcome.diverged_epoch is not None:
        store.mark_run(
            run_id, "diverged", diverged_epoch=outcome.diverged_epoch, epochs=outcome.epochs,
            param_count=outcome.param_count, total_seconds=outcome.total_seconds,
        )  # fmt: skip
        return
    store.finish_run(
        run_id, test_loss=outcome.test_loss, test_accuracy=outcome.test_accuracy,
        epochs=outcome.epochs, param_count=outcome.param_count,
        total_seconds=outcome.total_seconds, weights=outcome.model_bytes,
        predictions=outcome.predictions,
    )  # fmt: skip


def _describe_outcome(candidate, seed, outcome) -> str:
    if outcome.diverged_epoch is not None:
        return f"{candidate.label} seed {seed}: diverged at epoch {outcome.diverged_epoch}"
    return f"{candidate.label} seed {seed}: test accuracy {outcome.test_accuracy:.4f}"
