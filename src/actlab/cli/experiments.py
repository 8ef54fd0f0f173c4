"""The experiment commands: compare, runs, export, reproduce and tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from actlab.cli.common import (
    DEFAULT_DB,
    DataDirOption,
    DbOption,
    ImportOption,
    QuietOption,
    choice,
    console,
    during,
    err_console,
    fail,
    import_modules,
    one_line,
    one_line_errors,
    overrides,
    quiet_tensorflow_retracing_warnings,
    start_workers_early,
)
from actlab.cli.tracking import (
    MlflowOption,
    TensorboardOption,
    check_trackers,
    export_runs,
    mlflow_target,
)

OUTPUT_FORMATS = ("table", "json", "csv")
EXPORT_FORMATS = ("csv", "json")
TESTS = ("paired_t", "wilcoxon")  # actlab.experiments.statistics.TESTS
EXECUTORS = ("local", "ray")  # actlab.experiments.executors.EXECUTORS

JobsOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Runs (tune: trials) at once: this process and N-1 local worker processes "
        "(default 1: this process alone); with --executor ray, at most this many Ray tasks "
        "(default: as many as the cluster holds).",
    ),
]
ExecutorOption = Annotated[
    str, choice("--executor", EXECUTORS, "Who trains: this machine, or Ray tasks (actlab[ray]).")
]
AddressOption = Annotated[
    str | None,
    typer.Option(help="Ray cluster (auto, HOST:6379, ray://HOST:10001); default: a local one."),
]
CpusPerRunOption = Annotated[
    float | None, typer.Option(min=0.001, help="CPUs of each Ray task (default 1).")
]
GpusPerRunOption = Annotated[
    float | None, typer.Option(min=0, help="GPUs of each Ray task (default 0).")
]
RetriesOption = Annotated[
    int, typer.Option(min=0, help="Times a run whose worker died is started again, then failed.")
]


def compare(
    activations: Annotated[
        list[str], typer.Argument(help="Activations to compare; name or name:param=value,...")
    ],
    task: Annotated[str, typer.Option(help="Task name (`actlab tasks`).")] = "fashion_mnist_mlp",
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per activation (0..N-1).")] = 5,
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the task's epochs.")] = None,
    baseline: Annotated[str | None, typer.Option(help="Default: the first activation.")] = None,
    test: Annotated[str, choice("--test", TESTS, "Accuracy test over matched seeds.")] = "paired_t",
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="Comparison name (default from task).")] = None,
    import_: ImportOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Task override KEY=VALUE, e.g. --set batch_size=256."),
    ] = None,
    data_dir: DataDirOption = None,
    output_format: Annotated[str, choice("--format", OUTPUT_FORMATS, "How to print.")] = "table",
    quiet: QuietOption = False,
    jobs: JobsOption = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    cpus_per_run: CpusPerRunOption = None,
    gpus_per_run: GpusPerRunOption = None,
    retries: RetriesOption = 0,
    mlflow: MlflowOption = None,
    tensorboard: TensorboardOption = None,
) -> None:
    """Train every (activation, seed) pair, resumably, and compare them with statistics."""
    start_workers_early(executor, jobs)
    from actlab import experiments

    quiet_tensorflow_retracing_warnings()
    import_modules(import_ or [])
    task_overrides = overrides(set_ or [])
    check_trackers(mlflow, tensorboard)
    with one_line_errors(kept=f"finished runs are kept in {db}"):
        result = experiments.compare(
            activations,
            task=task,
            seeds=seeds,
            epochs=epochs,
            baseline=baseline,
            test=test,
            db=db,
            name=name,
            overrides=task_overrides,
            data_dir=data_dir,
            quiet=quiet,
            mlflow=mlflow_target(mlflow),
            tensorboard=tensorboard,
            jobs=jobs,
            executor=executor,
            address=address,
            cpus_per_run=cpus_per_run,
            gpus_per_run=gpus_per_run,
            retries=retries,
        )
    print_summary(result, output_format)


def print_summary(result, output_format: str) -> None:
    table = result.table()
    if output_format == "json":
        typer.echo(table.reset_index().to_json(orient="records", indent=2))
        return
    if output_format == "csv":
        typer.echo(table.reset_index().to_csv(index=False), nl=False)
        return
    from actlab.experiments.tables import summary_for_width

    title = f"{result.name}: seeds {result.seeds}, baseline {result.baseline}"
    console.print(summary_for_width(table, console, title=title))


def runs(
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="Only this comparison.")] = None,
) -> None:
    """What the results store holds: comparisons and their runs."""
    from actlab.experiments import Store, StoreError

    try:
        with Store(db, readonly=True) as store:
            comparisons = store.comparisons()
            frame = store.runs(name)
    except (StoreError, OSError) as error:
        fail(one_line(error))
    if frame.empty:
        console.print(
            f"{db}: no runs" + (f" in comparison {name!r}" if name else ""),
            markup=False,
            highlight=False,
        )
        return
    table = Table(title=Text(f"{db}: {len(comparisons)} comparisons, {len(frame)} runs"),
                  caption=Text(_comparison_settings(comparisons, name)))  # fmt: skip
    for column in ("comparison", "activation", "seed", "status", "test acc", "s/epoch",
                   "ms/step", "device", "note"):  # fmt: skip
        table.add_column(column)
    for row in frame.itertuples():
        table.add_row(
            *map(
                Text,
                (
                    row.comparison,
                    row.label,
                    str(row.seed),
                    row.status,
                    _num(row.test_accuracy, 4),
                    _num(row.median_epoch_seconds, 2),
                    _num(row.step_seconds * 1000, 3),
                    str(row.config.get("device", "")) if isinstance(row.config, dict) else "",
                    _run_note(row),
                ),
            )
        )
    console.print(table)


def _comparison_settings(comparisons, name: str | None) -> str:
    """Each comparison's baseline and accuracy test, as its table uses them."""
    from actlab.experiments.significance import DEFAULT_TEST, TESTS

    lines = []
    for row in comparisons.itertuples():
        if name is None or row.name == name:
            test = str(row.config.get("test", DEFAULT_TEST))
            baseline = row.config.get("baseline", "the first activation")
            lines.append(f"{row.name}: baseline {baseline}, {TESTS.get(test, test)} test")
    return "\n".join(lines)


def _run_note(row) -> str:
    import pandas as pd

    if not pd.isna(row.diverged_epoch):
        return f"diverged at epoch {row.diverged_epoch}"
    from actlab.experiments.store import error_reason

    return error_reason(row.error)


def _num(value, digits: int) -> str:
    import pandas as pd

    return "" if pd.isna(value) else f"{value:.{digits}f}"


def export(
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="Only this comparison.")] = None,
    output_format: Annotated[str, choice("--format", EXPORT_FORMATS, "File format.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
    mlflow: MlflowOption = None,
    tensorboard: TensorboardOption = None,
) -> None:
    """Per-epoch histories (loss, accuracy, val_loss, val_accuracy, seconds) as CSV or JSON;
    with --mlflow or --tensorboard, the store's ended runs sent there instead (each once)."""
    if mlflow or tensorboard:
        export_runs(db, name, mlflow, tensorboard)
        return
    from actlab.experiments import Store, StoreError

    try:
        with Store(db, readonly=True) as store:
            frame = store.epochs(name)
    except (StoreError, OSError) as error:
        fail(one_line(error))
    columns = [
        "comparison",
        "label",
        "seed",
        "epoch",
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
    ]
    frame = frame[[c for c in columns if c in frame.columns]].rename(
        columns={"label": "activation"}
    )
    text = (
        frame.to_csv(index=False)
        if output_format == "csv"
        else frame.to_json(orient="records", indent=2)
    )
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {one_line(error)}")
    err_console.print(f"wrote {len(frame)} epoch rows to {output}", markup=False, highlight=False)


def reproduce(
    study: Annotated[str, typer.Argument(help="An article's study, e.g. tanhexp-cifar10.")],
    dataset: Annotated[str | None, typer.Option(help="fashion_mnist for MNIST studies.")] = None,
    seeds: Annotated[int, typer.Option(min=1)] = 3,
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the article's.")] = None,
    db: DbOption = DEFAULT_DB,
    data_dir: DataDirOption = None,
    quiet: QuietOption = False,
) -> None:
    """Run an article's experiment as written, in a comparison of its own (STUDY@TASK),
    beside the numbers the article reports (on the article's own dataset only)."""
    from actlab import experiments
    from actlab.experiments import studies
    from actlab.experiments.tables import study_table

    quiet_tensorflow_retracing_warnings()
    try:
        chosen = studies.get(study)
        task = chosen.task_for(dataset)
        result = experiments.compare(
            list(chosen.activations),
            task=task,
            seeds=seeds,
            epochs=epochs,
            baseline=chosen.baseline,
            db=db,
            name=chosen.comparison_name(task, epochs),  # its own: no earlier compare's runs
            data_dir=data_dir,
            quiet=quiet,
        )
    except KeyboardInterrupt as stop:  # ComparisonInterrupted, or a second Ctrl-C
        fail(f"interrupted{during(stop)}; rerun the same command to resume", code=130)
    except (ValueError, TypeError, OSError, experiments.StoreError) as error:
        fail(one_line(error))
    console.print(study_table(chosen, result, dataset=_task_dataset(task)))


def _task_dataset(task: str) -> str:
    from actlab import tasks

    return tasks.get(task).dataset


def list_tasks(import_: ImportOption = None) -> None:
    """The named tasks: dataset, model and training recipe."""
    found = _tasks(import_)
    wide = console.width >= 120  # narrower, each source goes on its own line below the table
    table = (
        Table(title="actlab tasks")
        if wide
        else Table(title="actlab tasks", box=None, padding=(0, 2, 0, 0), header_style="underline")
    )
    for column in ("task", "dataset", "model", "optimizer", "batch", "epochs"):
        table.add_column(column, no_wrap=True, style="bold" if column == "task" else None)
    if wide:
        table.add_column("source", overflow="fold")
    for t in found:
        recipe = (
            f"{t['optimizer']} {t['learning_rate']:g}",
            str(t["batch_size"]),
            str(t["epochs"]),
        )
        source = (t["source"],) if wide else ()
        table.add_row(*map(Text, (t["name"], t["dataset"], t["model"], *recipe, *source)))
    console.print(table)
    if not wide:
        for t in found:
            console.print(Text(f"{t['name']}: {t['source']}"))


def _tasks(import_: list[str] | None) -> list[dict]:
    """The built-in tasks from the shipped index (no Keras), or with `import_` the live
    registry after importing the user's modules, each as `Task.to_dict()`."""
    if not import_:
        from actlab import index

        return list(index.load().tasks)
    import_modules(import_)
    from actlab import tasks

    return [tasks.get(name).to_dict() for name in tasks.names()]
