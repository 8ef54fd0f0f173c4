"""The `actlab` command line."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from actlab.experiments.store import DEFAULT_DB

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Try, compare and tune neural-network activation functions.",
)
# Piped output is not wrapped at 80 columns: tables stay one row per activation in logs.
console = Console(width=None if Console().is_terminal else 200)
# Messages are never hard-wrapped (a path split over two lines cannot be copied from a log).
err_console = Console(stderr=True, soft_wrap=True)


DbOption = Annotated[Path, typer.Option(help="SQLite results store.")]
DataDirOption = Annotated[Path | None, typer.Option(help="Where datasets are (else looked up).")]
ImportOption = Annotated[
    list[str] | None,
    typer.Option("--import", help="A .py file or module that registers activations."),
]


def fail(message: str, code: int = 2) -> None:
    """One-line error on stderr and a non-zero exit."""
    err_console.print(Text("error: ", style="bold red") + Text(message))
    raise typer.Exit(code)


def _plain_usage_errors_off_a_terminal() -> None:
    """Typer's usage errors ("Invalid value for '--seeds': ..."): its box on a terminal; off
    one, click's plain lines, since the box is 80 columns in a file and splits the message."""
    from typer import rich_utils

    boxed = rich_utils.rich_format_error

    def usage_error(error) -> None:
        if Console(stderr=True).is_terminal:
            boxed(error)
        else:
            error.show()

    rich_utils.rich_format_error = usage_error


_plain_usage_errors_off_a_terminal()


@app.command("list")
def list_activations(
    family: Annotated[str | None, typer.Option(help="Only this family (e.g. self_gated).")] = None,
    kind: Annotated[str | None, typer.Option(help="'function' or 'layer'.")] = None,
    prop: Annotated[
        str | None, typer.Option("--property", help="Only entries with this property.")
    ] = None,
    search: Annotated[str | None, typer.Option(help="Substring of the name or paper.")] = None,
) -> None:
    """The activation catalog as a table."""
    from actlab import activations

    rows = _filtered(activations.specs(), family, kind, prop, search)
    table = Table(title=f"actlab catalog: {len(rows)} of {len(activations.names())} entries")
    table.add_column("name", no_wrap=True, style="bold")
    for column in ("kind", "family", "paper", "properties"):
        table.add_column(column, overflow="fold")
    for entry in rows:
        table.add_row(
            *map(
                Text,
                (
                    entry.name,
                    entry.kind,
                    entry.family,
                    _short_reference(entry),
                    ", ".join(sorted(entry.properties)),
                ),
            )
        )
    console.print(table)


def _short_reference(entry) -> str:
    ref = entry.reference
    if ref is None:
        return ""
    where = f"arXiv {ref.arxiv}" if ref.arxiv else (ref.title[:40] + "…" * (len(ref.title) > 40))
    return f"{where} ({ref.year})" if ref.year else where


def _title(entry) -> str:
    return entry.reference.title if entry.reference else ""


def _filtered(entries, family, kind, prop, search):
    if kind not in (None, "function", "layer"):
        fail(f"--kind must be 'function' or 'layer', got {kind!r}")
    from actlab.activations import PROPERTIES

    if prop is not None and prop not in PROPERTIES:
        fail(f"unknown property {prop!r}; one of: {', '.join(sorted(PROPERTIES))}")
    needle = (search or "").lower()
    return [
        e
        for e in entries
        if (family is None or e.family == family)
        and (kind is None or e.kind == kind)
        and (prop is None or prop in e.properties)
        and (not needle or needle in e.name or needle in _title(e).lower())
    ]


@app.command()
def show(name: Annotated[str, typer.Argument(help="Catalog name or alias.")]) -> None:
    """Formula, paper, parameters and properties of one activation."""
    from actlab import activations

    try:
        entry = activations.spec(name)
    except ValueError as error:
        fail(str(error))
    console.print(Text(f"{entry.name} ({entry.kind}, family {entry.family})", style="bold"))
    if entry.summary:
        console.print(entry.summary, markup=False, highlight=False)
    console.print(f"formula: {entry.formula}", markup=False, highlight=False)
    if entry.aliases:
        console.print(f"aliases: {', '.join(entry.aliases)}", markup=False, highlight=False)
    if entry.reference:
        ref = entry.reference
        link = f"  {ref.link}" if ref.link else ""
        console.print(f"paper: {ref.cite()}{link}", markup=False, highlight=False)
    for p in entry.params:
        console.print(
            f"param {p.name} = {p.default:g}, allowed {p.range_text}. {p.doc}".rstrip(),
            markup=False,
            highlight=False,
        )
    console.print(
        f"properties: {', '.join(sorted(entry.properties)) or '-'}", markup=False, highlight=False
    )
    if entry.changes_shape:
        console.print("changes the shape of its input", markup=False, highlight=False)
    if entry.note:
        console.print(f"note: {entry.note}", markup=False, highlight=False)


@app.command()
def docs(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write.")] = Path(
        "docs/activations.md"
    ),
) -> None:
    """Regenerate the catalog page (docs/activations.md) from the registry."""
    from actlab.activations.catalog_docs import render_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(), encoding="utf-8")
    console.print(f"wrote {output}", markup=False, highlight=False)


OUTPUT_FORMATS = ("table", "json", "csv")


@app.command()
def compare(
    activations: Annotated[
        list[str], typer.Argument(help="Activations to compare; name or name:param=value,...")
    ],
    task: Annotated[str, typer.Option(help="Task name (`actlab tasks`).")] = "fashion_mnist_mlp",
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per activation (0..N-1).")] = 5,
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the task's epochs.")] = None,
    baseline: Annotated[str | None, typer.Option(help="Default: the first activation.")] = None,
    test: Annotated[
        str, typer.Option(help="Accuracy test over matched seeds: paired_t or wilcoxon.")
    ] = "paired_t",
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="Comparison name (default from task).")] = None,
    import_: ImportOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Task override KEY=VALUE, e.g. --set batch_size=256."),
    ] = None,
    data_dir: DataDirOption = None,
    output_format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Train every (activation, seed) pair, resumably, and compare them with statistics."""
    from actlab import experiments

    _quiet_tensorflow_retracing_warnings()
    _check_format(output_format)
    _import_modules(import_ or [])
    overrides = _overrides(set_ or [])
    with _one_line_errors(kept=f"finished runs are kept in {db}"):
        result = experiments.compare(
            activations,
            task=task,
            seeds=seeds,
            epochs=epochs,
            baseline=baseline,
            test=test,
            db=db,
            name=name,
            overrides=overrides,
            data_dir=data_dir,
            quiet=quiet,
        )
    _print_summary(result, output_format)


@contextmanager
def _one_line_errors(kept: str):
    """Ctrl-C (ComparisonInterrupted, or a second one) exits 130 saying what is `kept`; bad
    input and store trouble exit 2; each as one line."""
    from actlab.experiments import StoreError

    try:
        yield
    except KeyboardInterrupt as stop:
        fail(f"interrupted{_during(stop)}; {kept}: run the same command again to resume",
             code=130)  # fmt: skip
    except (ValueError, TypeError, OSError, StoreError) as error:
        fail(_one_line(error))


def _during(stop: KeyboardInterrupt) -> str:
    return f" during {stop}" if str(stop) else ""


def _quiet_tensorflow_retracing_warnings() -> None:
    # Each run builds a new model, so TensorFlow warns that predict() "retraces"; expected here.
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _check_format(output_format: str) -> None:
    if output_format not in OUTPUT_FORMATS:
        fail(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}")


def _import_modules(targets: list[str]) -> None:
    from actlab.experiments.plugins import USER_ERRORS, import_user_module

    for target in targets:
        try:
            import_user_module(target)
        except USER_ERRORS as error:  # a user module may raise anything, exit included
            fail(f"--import {target}: {_one_line(error)}")


def _overrides(assignments: list[str]) -> dict[str, object]:
    import json

    found: dict[str, object] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--set takes KEY=VALUE, got {item!r}")
        try:
            found[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            found[key.strip()] = value
    return found


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def _print_summary(result, output_format: str) -> None:
    table = result.table()
    if output_format == "json":
        typer.echo(table.reset_index().to_json(orient="records", indent=2))
        return
    if output_format == "csv":
        typer.echo(table.reset_index().to_csv(index=False), nl=False)
        return
    from actlab.experiments.tables import summary_table

    title = f"{result.name}: seeds {result.seeds}, baseline {result.baseline}"
    console.print(summary_table(table, title=title))


@app.command()
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
        str, typer.Option(help="Optimised on the validation split: val_accuracy or val_loss.")
    ] = "val_accuracy",
    sampler: Annotated[str, typer.Option(help="tpe or random.")] = "tpe",
    pruner: Annotated[str, typer.Option(help="median or none.")] = "median",
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the task's epochs.")] = None,
    baseline: Annotated[str, typer.Option(help="What the best is confirmed against.")] = "relu",
    confirm_seeds: Annotated[int, typer.Option(min=1, help="Fresh seeds of the confirmation.")] = 5,
    no_confirm: Annotated[
        bool, typer.Option("--no-confirm", help="Stop after the best parameters.")
    ] = False,
    test: Annotated[
        str, typer.Option(help="Confirmation's paired test: paired_t or wilcoxon.")
    ] = "paired_t",
    db: DbOption = DEFAULT_DB,
    import_: ImportOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Task override KEY=VALUE, e.g. --set batch_size=256."),
    ] = None,
    data_dir: DataDirOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Tune an activation's parameters (or choose the activation) with Optuna on a validation
    split, then confirm the best against the baseline on fresh seeds and the test set."""
    from actlab import tune as tuning

    _quiet_tensorflow_retracing_warnings()
    _import_modules(import_ or [])
    if (activation is None) == (choose is None):
        fail("give one activation to tune, or --choose a comma-separated list (not both)")
    names = [activation] if choose is None else [n for n in choose.split(",") if n.strip()]
    with _one_line_errors(kept="the study and its finished runs are kept"):
        result = tuning.tune(
            names, task=task, trials=trials, params=param or [], tune_lr=tune_lr,
            storage=storage, study=study, seeds_per_trial=seeds_per_trial, metric=metric,
            sampler=sampler, pruner=pruner, epochs=epochs, overrides=_overrides(set_ or []),
            confirm=not no_confirm, baseline=baseline, confirm_seeds=confirm_seeds, test=test,
            db=db, data_dir=data_dir, quiet=quiet,
        )  # fmt: skip
    _print_tune_result(result)


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
    _print_summary(result.confirmation, "table")
    verdict = result.verdict()
    if verdict is None:
        say(f"the best configuration is the baseline {result.confirmation.baseline} itself")
        return
    say(
        f"on fresh seeds {result.confirmation.seeds}, on the test set: {result.best_label} vs "
        f"{result.confirmation.baseline}: {verdict}. A tuned activation is called better "
        "only when this paired test says so; its validation score alone does not."
    )


@app.command()
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
        fail(_one_line(error))
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
    from actlab.experiments.statistics import DEFAULT_TEST, TESTS

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


@app.command()
def export(
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="Only this comparison.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
) -> None:
    """Per-epoch histories (loss, accuracy, val_loss, val_accuracy, seconds) as CSV or JSON."""
    from actlab.experiments import Store, StoreError

    if output_format not in ("csv", "json"):
        fail(f"--format must be csv or json, got {output_format!r}")
    try:
        with Store(db, readonly=True) as store:
            frame = store.epochs(name)
    except (StoreError, OSError) as error:
        fail(_one_line(error))
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
        fail(f"cannot write {output}: {_one_line(error)}")
    err_console.print(f"wrote {len(frame)} epoch rows to {output}", markup=False, highlight=False)


@app.command()
def reproduce(
    study: Annotated[str, typer.Argument(help="Seed study, e.g. tanhexp-cifar10.")],
    dataset: Annotated[str | None, typer.Option(help="fashion_mnist for MNIST studies.")] = None,
    seeds: Annotated[int, typer.Option(min=1)] = 3,
    epochs: Annotated[int | None, typer.Option(min=1, help="Override the article's.")] = None,
    db: DbOption = DEFAULT_DB,
    data_dir: DataDirOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run a seed article's experiment as written, in a comparison of its own (STUDY@TASK),
    beside the numbers the article reports (on the article's own dataset only)."""
    from actlab import experiments
    from actlab.experiments import studies
    from actlab.experiments.tables import study_table

    _quiet_tensorflow_retracing_warnings()
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
        fail(f"interrupted{_during(stop)}; rerun the same command to resume", code=130)
    except (ValueError, TypeError, OSError, experiments.StoreError) as error:
        fail(_one_line(error))
    console.print(study_table(chosen, result, dataset=_task_dataset(task)))


def _task_dataset(task: str) -> str:
    from actlab import tasks

    return tasks.get(task).dataset


@app.command("tasks")
def list_tasks() -> None:
    """The named tasks: dataset, model and training recipe."""
    from actlab import tasks

    table = Table(title="actlab tasks")
    for column in ("task", "dataset", "model", "optimizer", "lr", "batch", "epochs", "source"):
        table.add_column(column, overflow="fold")
    for task_name in tasks.names():
        t = tasks.get(task_name)
        cells = (t.name, t.dataset, t.model, t.optimizer, f"{t.learning_rate:g}")
        table.add_row(*map(Text, (*cells, str(t.batch_size), str(t.epochs), t.source)))
    console.print(table)


@app.command()
def plot(
    activations: Annotated[
        list[str], typer.Argument(help="Activations to draw; name or name:param=value,...")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Image file: .png, .svg or .pdf.")
    ] = Path("shapes.png"),
    derivative: Annotated[
        bool, typer.Option("--derivative", help="Also draw the first derivative.")
    ] = False,
    x_range: Annotated[
        tuple[float, float], typer.Option("--range", help="x from LOW to HIGH, e.g. --range -5 5.")
    ] = (-5.0, 5.0),
    import_: ImportOption = None,
) -> None:
    """Draw activation functions (and their derivatives) into an image file."""
    from actlab import plots

    _import_modules(import_ or [])
    try:
        figure = plots.activation_shapes(activations, x_range=x_range, derivative=derivative)
        plots.save_figure(figure, output)
    except (ValueError, TypeError, OSError) as error:
        fail(_one_line(error))
    err_console.print(f"wrote {output}", markup=False, highlight=False)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    name: Annotated[
        str | None, typer.Option(help="Comparison (default: the store's only one).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Default: report.html, or report.md for markdown."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="html (one self-contained file) or markdown.")
    ] = "html",
    baseline: Annotated[
        str | None, typer.Option(help="Default: the comparison's baseline, else the first.")
    ] = None,
    band: Annotated[str, typer.Option(help="Learning-curve band: std or ci95.")] = "std",
    confusion: Annotated[
        str, typer.Option(help="Confusion matrices: sum (over seeds) or best (seed).")
    ] = "sum",
    data_dir: DataDirOption = None,
    import_: ImportOption = None,
) -> None:
    """A comparison as one self-contained HTML report (or Markdown + PNGs for a blog post)."""
    from actlab import report as reports
    from actlab.experiments import StoreError

    _import_modules(import_ or [])
    suffix = ".md" if output_format == "markdown" else ".html"
    target = output or Path("report" + suffix)
    try:
        written = reports.write_report(
            target, db, name, output_format=output_format, baseline=baseline, band=band,
            confusion=confusion, data_dir=data_dir,
        )  # fmt: skip
    except (ValueError, TypeError, OSError, StoreError) as error:
        fail(_one_line(error))
    extra = f" and {len(written) - 1} images in {written[1].parent}" if len(written) > 1 else ""
    err_console.print(f"wrote {target}{extra}", markup=False, highlight=False)


bench_app = typer.Typer(
    no_args_is_help=True,
    help="Time activations on the current backend: on one tensor (ops), in training (models).",
)
app.add_typer(bench_app, name="bench")
BenchOutOption = Annotated[
    Path, typer.Option("--out", help="Folder for the .json and .md results.")
]
DEFAULT_BENCH_OUT = Path("benchmarks/results")


@bench_app.command("ops")
def bench_ops(
    names: Annotated[
        list[str] | None, typer.Argument(help="Activations (default: the seed articles').")
    ] = None,
    size: Annotated[int, typer.Option(help="Values in the tensor.")] = 4_000_000,
    dtype: Annotated[str, typer.Option(help="float32, float16 or bfloat16.")] = "float32",
    repeats: Annotated[int, typer.Option(help="Interleaved rounds (median kept).")] = 7,
    every: Annotated[
        bool, typer.Option("--all", help="Every function entry that keeps the shape.")
    ] = False,
    out: BenchOutOption = DEFAULT_BENCH_OUT,
) -> None:
    """Forward and forward+backward time of activations (actlab, native, naive) over relu's."""
    from actlab import bench

    try:
        result = bench.run_ops(names, size=size, dtype=dtype, repeats=repeats, every=every)
    except (ValueError, TypeError) as error:
        fail(_one_line(error))
    _show_bench(result, out)


@bench_app.command("models")
def bench_models(
    names: Annotated[
        list[str] | None, typer.Argument(help="Activations (default: relu + the seeds').")
    ] = None,
    task: Annotated[str, typer.Option(help="Task whose model is trained (`actlab tasks`).")] = (
        "cifar10_small_cnn"
    ),
    steps: Annotated[int, typer.Option(help="Training steps per timed sample.")] = 10,
    repeats: Annotated[int, typer.Option(help="Interleaved rounds (median kept).")] = 5,
    out: BenchOutOption = DEFAULT_BENCH_OUT,
) -> None:
    """Training-step time of a task's model per activation over relu's, on synthetic data."""
    from actlab import bench

    try:
        result = bench.run_models(names, task=task, steps=steps, repeats=repeats)
    except (ValueError, TypeError) as error:
        fail(_one_line(error))
    _show_bench(result, out)


def _show_bench(result, out: Path) -> None:
    console.print(result.rich_table())
    for note in result.notes:
        console.print(note, markup=False, highlight=False)
    try:
        written = result.write(out)
    except OSError as error:
        fail(f"cannot write to {out}: {_one_line(error)}")
    err_console.print(f"wrote {', '.join(map(str, written))}", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
