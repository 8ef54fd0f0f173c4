"""The driver of a comparison: the one process that writes the store, whatever trains the runs.

It takes the pending runs in their order (seed by seed), claims each in the store
(`Store.claim_run`, atomic), submits it to the executor (`actlab.experiments.executors`),
and writes what comes back: each epoch as it ends (where the executor tells), then the run's
end in one commit. It keeps at most the executor's slots in flight, so other drivers on the
same comparison find runs left to claim; runs other live processes hold are waited for (and
taken over if their owner dies), so every run of the call is done, or ended, when it returns.

Outcomes are recorded as `compare` always did: finished, diverged (a result), failed (with
the error), interrupted (Ctrl-C). A run whose worker died is started again `retries` times,
then recorded failed. Ctrl-C asks the runs in flight to stop at their next boundary, records
each as it comes back, then raises ComparisonInterrupted; a second Ctrl-C ends the workers
at once and marks their runs interrupted.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from actlab.experiments import environment
from actlab.experiments.executors import EpochDone, Executor, RunDone, RunJob, RunReport, Setup
from actlab.experiments.interrupts import ComparisonInterrupted, InterruptFlag
from actlab.experiments.progress import Progress
from actlab.experiments.store import RunKey, RunStateError, Store, StoreError

#: How often the driver, with nothing in flight, looks again at runs others hold (seconds);
#: also the longest an executor's wait blocks before the driver checks for Ctrl-C.
POLL_SECONDS = 1.0
INTERRUPTED = "interrupted by the user (Ctrl-C)"


@dataclass
class _Flight:
    job: RunJob
    run_id: int
    config: dict[str, Any]
    retries_left: int
    epochs: list[dict[str, Any]] = field(default_factory=list)
    taken_over: bool = False


class Driver:
    """Runs `jobs` of comparison `comparison_id` through `executor` into `store`."""

    def __init__(
        self,
        store: Store,
        comparison_id: int,
        executor: Executor,
        progress: Progress,
        interrupted: InterruptFlag,
        *,
        run_config: dict[str, Any],
        retries: int = 0,
        keep_models: bool = True,
        trackers: Any = None,
    ) -> None:
        self.store = store
        self.comparison_id = comparison_id
        self.executor = executor
        self.progress = progress
        self.interrupted = interrupted
        self.run_config = run_config  # what every run's config holds besides its own keys
        self.retries = retries
        self.keep_models = keep_models  # store the weights (a tracker may want them anyway)
        self.trackers = trackers  # actlab.tracking.Trackers: each recorded run is sent on
        self._queue: list[RunJob] = []
        self._flights: dict[RunKey, _Flight] = {}
        self._held_seen: set[RunKey] = set()
        self._stopping = False
        self._stopped: list[str] = []  # the runs Ctrl-C interrupted
        self._last: str | None = None  # the last run recorded
        self._said_waiting = False

    def run(self, jobs: list[RunJob], setup: Setup, data) -> None:
        """Train and record every job not done (by anyone), in order; ComparisonInterrupted
        after Ctrl-C, once the runs in flight are recorded."""
        self._queue = list(jobs)
        self.executor.start(setup, data, self.interrupted)
        try:
            self._loop()
        except ComparisonInterrupted:
            raise
        except KeyboardInterrupt:  # a second Ctrl-C: stop now
            self.executor.close()
            self._abandon_flights()
            raise ComparisonInterrupted(self._stop_what()) from None
        if self._stopping or self.interrupted():
            raise ComparisonInterrupted(self._stop_what())

    # -- the loop ------------------------------------------------------------------------

    def _loop(self) -> None:
        while self._queue or self._flights:
            if self.interrupted() and not self._stopping:
                self._stop()
            if self._stopping and not self._flights:
                return
            if not self._stopping:
                self._fill()
            if self._flights:
                self.executor.wait(self._handle, POLL_SECONDS)
            elif self._queue:
                self._wait_for_others()

    def _stop(self) -> None:
        self._stopping = True
        self.executor.stop()

    def _fill(self) -> None:
        """Claim and submit runs in order until the executor's slots are full."""
        while len(self._flights) < self.executor.slots and self._queue:
            held = self.store.held_by_others(self.comparison_id)
            for job in list(self._queue):
                if job.key in held:
                    self._held_seen.add(job.key)
                    continue
                claim = self.store.claim_run(
                    self.comparison_id, job.activation, job.params, job.seed,
                    self._config(job), retry_failed=job.key not in self._held_seen,
                )  # fmt: skip
                if claim.run_id is not None:
                    self._queue.remove(job)
                    self._submit(job, claim.run_id)
                    break
                if claim.held_by_other:
                    self._held_seen.add(job.key)
                    continue
                # Done (or failed) by another process since this call began: that stands.
                self._queue.remove(job)
                self.progress.run_done(f"{job.what}: {claim.status} by another process")
            else:
                return  # every run left is another process's now

    def _wait_for_others(self) -> None:
        if not self._said_waiting:
            self._said_waiting = True
            self.progress.note(
                f"waiting for {len(self._queue)} run(s) that other processes are training"
            )
        time.sleep(POLL_SECONDS)

    def _submit(self, job: RunJob, run_id: int) -> None:
        self._flights[job.key] = _Flight(job, run_id, self._config(job), self.retries)
        self.progress.start_run(job.what, key=job.key)
        self.executor.submit(job)

    def _config(self, job: RunJob) -> dict[str, Any]:
        return {**self.run_config, "activation": job.activation, "params": job.params,
                "seed": job.seed, **environment.describe()}  # fmt: skip

    # -- what comes back -----------------------------------------------------------------

    def _handle(self, event: EpochDone | RunDone) -> None:
        flight = self._flights.get(event.key)
        if flight is None:
            return
        if isinstance(event, EpochDone):
            flight.epochs.append(event.record)
            if not flight.taken_over:
                try:
                    self.store.add_epoch(flight.run_id, **event.record)
                except RunStateError:  # another process took it over: its result, not ours
                    flight.taken_over = True
            self.progress.epoch_done(event.record, key=event.key)
            return
        self._record(flight, event.report)

    def _record(self, flight: _Flight, report: RunReport) -> None:
        job = flight.job
        if report.status == "lost" and flight.retries_left > 0 and not self._stopping:
            flight.retries_left -= 1
            self.progress.note(f"{job.what}: {report.summary}; starting it again")
            flight.run_id = self.store.start_run(self.comparison_id, job.activation,
                                                 job.params, job.seed, flight.config)  # fmt: skip
            flight.epochs, flight.taken_over = [], False
            self.executor.submit(job)
            return
        config = {**flight.config, **report.environment}
        epochs = report.epochs or flight.epochs or None
        try:
            if flight.taken_over:
                message = f"{job.what}: taken over by another process, not recorded here"
            elif report.status in ("finished", "diverged"):
                _record_outcome(self.store, flight.run_id, report.outcome, config,
                                self.keep_models)  # fmt: skip
                self._track(flight.run_id, report.outcome.model_bytes)
                message = describe_outcome(job, report.outcome)
            elif report.status == "interrupted":
                self.store.mark_run(flight.run_id, "interrupted", error=INTERRUPTED,
                                    epochs=epochs, config=config)  # fmt: skip
                self._stopped.append(job.what)
                message = f"{job.what}: interrupted"
                if not self._stopping:  # stopped by something other than our own flag
                    self._stop()
            else:  # failed, or lost for good
                self.store.mark_run(flight.run_id, "failed", error=report.error, epochs=epochs,
                                    config=config)  # fmt: skip
                self._track(flight.run_id)
                message = f"{job.what}: failed ({report.summary})"
        except RunStateError as error:  # taken over while we were silent too long
            message = f"{job.what}: not recorded ({error})"
        del self._flights[job.key]
        self._last = job.what
        self.progress.run_done(message, key=job.key)

    def _track(self, run_id: int, model: bytes | None = None) -> None:
        if self.trackers is not None:
            self.trackers.run_ended(self.store, self.comparison_id, run_id, model)

    def _abandon_flights(self) -> None:
        """Mark every run still in flight interrupted (its worker is gone)."""
        for flight in list(self._flights.values()):
            with suppress(StoreError):
                self.store.mark_run(flight.run_id, "interrupted", error=INTERRUPTED,
                                    epochs=flight.epochs or None)  # fmt: skip
            self._stopped.append(flight.job.what)
        self._flights.clear()

    def _stop_what(self) -> str:
        if self._stopped:
            return ", ".join(self._stopped)
        if self._last is not None:
            return self._last  # Ctrl-C during its final commit: it is kept
        if self._queue:
            return f"the start of {self._queue[0].what}"
        return "the comparison"


def _record_outcome(store: Store, run_id: int, outcome, config: dict[str, Any],
                    keep_model: bool = True) -> None:  # fmt: skip
    if outcome.diverged_epoch is not None:
        store.mark_run(
            run_id, "diverged", diverged_epoch=outcome.diverged_epoch, epochs=outcome.epochs,
            param_count=outcome.param_count, total_seconds=outcome.total_seconds, config=config,
        )  # fmt: skip
        return
    store.finish_run(
        run_id, test_loss=outcome.test_loss, test_accuracy=outcome.test_accuracy,
        epochs=outcome.epochs, param_count=outcome.param_count,
        total_seconds=outcome.total_seconds,
        weights=outcome.model_bytes if keep_model else None, predictions=outcome.predictions,
        config=config,
    )  # fmt: skip


def describe_outcome(job: RunJob, outcome) -> str:
    if outcome.diverged_epoch is not None:
        return f"{job.what}: diverged at epoch {outcome.diverged_epoch}"
    return f"{job.what}: test accuracy {outcome.test_accuracy:.4f}"
