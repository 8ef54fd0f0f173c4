"""The tune command: Optuna studies of an activation's parameters, then the confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from actlab.cli.common import (
    DEFAULT_DB,
    DataDirOption,
    DbOption,
    ImportOption,
    QuietOption,
    choice,
    console,
    err_console,
    fail,
    import_modules,
    one_line_errors,
    overrides,
    quiet_tensorflow_retracing_warnings,
    start_workers_early,
)
from actlab.cli.experiments import (
    TESTS,
    AddressOption,
    CpusPerRunOption,
    ExecutorOption,
    GpusPerRunOption,
    JobsOption,
    RetriesOption,
    print_summary,
)

# As actlab.tune defines them (tune.pruning.METRICS, tune.study.SAMPLERS and PRUNERS).
METRICS = ("val_accuracy", "val_loss")
SAMPLERS = ("tpe", "random")
PRUNERS = ("median", "none")


def tune(
    activation: Annotated[
        str | None, typer.Argument(help="Activation whose parameters are tuned.")
    ] = None,
    choose: Annotated[
        str | None, typer.Option(help="Comma-separated activations to choose among instead.")
    ] = None,
    task: Annotated[str, typer.Option(help="Task name (`actlab tasks`).")] = "fashion_mnist_mlp",
    trials: Annotated[
        int, typer.Option(min=1, help="Complete or pruned trials the study should hold.")
    ] = 30,
    param: Annotated[
        list[str] | None,
        typer.Option(help="Interval [activation.]name=low:high[:log] (default: the entry's)."),
    ] = None,
    tune_lr: Annotated[
        bool, typer.Option("--tune-lr", help="Search the learning rate too (task's ×/÷ 10).")
    ] = False,
    storage: Annotated[
        str | None, typer.Option(help="Optuna RDB URL (default: <db>.optuna.db beside --db).")
    ] = None,
    study: Annotated[
        str | None, typer.Option(help="Study name (default from task and activations).")
    ] = None,
    seeds_per_trial: Annotated[int, typer.Option(min=1, help="Seeds 0..N-1 per trial.")] = 1,
    metric: Annotated[
        str, choice("--metric", METRICS, "Optimised on the validation split.")
    ] = "val_accuracy",
    sampler: Annotated[str, choice("--sampler", SAMPLERS, "Optuna's sampler.")] = "tpe",
    pruner: Annotated[str, choice("--pruner", PRUNERS, "Optuna's pruner.")] = "median",
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the task's epochs.")] = None,
    baseline: Annotated[str, typer.Option(help="What the best is confirmed against.")] = "relu",
    confirm_seeds: Annotated[int, typer.Option(min=1, help="Fresh seeds of the confirmation.")] = 5,
    no_confirm: Annotated[
        bool, typer.Option("--no-confirm", help="Stop after the best parameters.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the study's report here (.md: Markdown + PNGs; else HTML)."),
    ] = None,
    test: Annotated[str, choice("--test", TESTS, "Confirmation's paired test.")] = "paired_t",
    db: DbOption = DEFAULT_DB,
    import_: ImportOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Task override KEY=VALUE, e.g. --set batch_size=256."),
    ] = None,
    data_dir: DataDirOption = None,
    quiet: QuietOption = False,
    jobs: JobsOption = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    cpus_per_run: CpusPerRunOption = None,
    gpus_per_run: GpusPerRunOption = None,
    retries: RetriesOption = 0,
) -> None:
    """Tune an activation's parameters (or choose the activation) with Optuna on a validation
    split, then confirm the best against the baseline on fresh seeds and the test set."""
    start_workers_early(executor, jobs)
    from actlab import tune as tuning

    quiet_tensorflow_retracing_warnings()
    import_modules(import_ or [])
    if (activation is None) == (choose is None):
        fail("give one activation to tune, or --choose a comma-separated list (not both)")
    names = [n for n in choose.split(",") if n.strip()] if choose else [str(activation)]
    with one_line_errors(kept="the study and its finished runs are kept"):
        result = tuning.tune(
            names, task=task, trials=trials, params=param or [], tune_lr=tune_lr,
            storage=storage, study=study, seeds_per_trial=seeds_per_trial, metric=metric,
            sampler=sampler, pruner=pruner, epochs=epochs, overrides=overrides(set_ or []),
            confirm=not no_confirm, baseline=baseline, confirm_seeds=confirm_seeds, test=test,
            db=db, data_dir=data_dir, quiet=quiet, jobs=jobs, executor=executor, address=address,
            cpus_per_run=cpus_per_run, gpus_per_run=gpus_per_run, retries=retries,
        )  # fmt: skip
        if report is not None:
            _write_report(result, report)
    _print_tune_result(result)


def _write_report(result, report: Path) -> None:
    output_format = "markdown" if report.suffix.lower() == ".md" else "html"
    written = result.write_report(report, output_format)
    err_console.print(f"wrote {', '.join(map(str, written))}", markup=False, highlight=False)


def _print_tune_result(result) -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    say(f"study {result.study_name} in {result.storage}")
    say(
        f"best: trial {result.best_trial}, {result.best_label}, {result.metric} "
        f"{result.best_value:.4f} on the validation split (seeds {result.trial_seeds})"
    )
    chosen = ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                       for k, v in result.best_params.items())  # fmt: skip
    say(f"best parameters: {chosen or '(none: nothing to search)'}")
    if result.confirmation is None:
        return
    print_summary(result.confirmation, "table")
    verdict = result.verdict()
    if verdict is None:
        say(f"the best configuration is the baseline {result.confirmation.baseline} itself")
        return
    say(
        f"on fresh seeds {result.confirmation.seeds}, on the test set: {result.best_label} vs "
        f"{result.confirmation.baseline}: {verdict}. A tuned activation is called better "
        "only when this paired test says so; its validation score alone does not."
    )
