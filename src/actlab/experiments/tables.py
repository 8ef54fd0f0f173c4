"""Rich tables of a comparison's answer, for the terminal."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from actlab.experiments.significance import UNPAIRED

VERDICT_STYLE = {"better": "green", "worse": "red", "baseline": "bold"}


def summary_table(summary: pd.DataFrame, title: str = "") -> Table:
    """A comparison's table (`ComparisonResult.table()`, indexed by label) as a Rich table:
    mean ± std, CI, step time and its ratio to the baseline with 95% CIs, the difference to
    the baseline with its 95% CI, effect size, test, Holm p-value, verdict."""
    note = unpaired_note(summary)
    table = Table(title=Text(title), caption=Text(note) if note else None)
    table.add_column("activation", no_wrap=True)
    for column in SUMMARY_COLUMNS[1:-1]:
        table.add_column(column, justify="right", no_wrap=column.startswith("Δ"))
    table.add_column("verdict")
    for row in summary.itertuples():
        *cells, verdict = summary_cells(row)
        table.add_row(*map(Text, cells), Text(verdict, VERDICT_STYLE.get(verdict, "")))
    return table


def summary_for_width(summary: pd.DataFrame, console: Console, title: str = "") -> RenderableType:
    """`summary_table`, or where `console` is too narrow for it to show every cell whole
    (Rich would cut `0.8…` on an 80-column terminal), the same cells in
    `folded_summary_tables`."""
    table = summary_table(summary, title)
    lines = console.render_lines(table, console.options, pad=False)
    if not any("…" in segment.text for line in lines for segment in line):
        return table
    return folded_summary_tables(summary, title)


def folded_summary_tables(summary: pd.DataFrame, title: str = "") -> Group:
    """`summary_table`'s cells in two tables of about 80 columns, each interval on a second
    line under its value: accuracy and time, then the comparison with the baseline."""
    note = unpaired_note(summary)
    time = Table(title=Text(title))
    against = Table(title=Text("against the baseline"), caption=Text(note) if note else None)
    for table, headers in ((time, FOLDED_TIME_COLUMNS), (against, FOLDED_BASELINE_COLUMNS)):
        table.add_column(headers[0], no_wrap=True)
        for header in headers[1:]:
            table.add_column(header, justify="right" if header != "verdict" else "left")
    for row in summary.itertuples():
        label, runs, accuracy, ci, loss, step, ratio, diff, d, test, p, verdict = summary_cells(row)
        time.add_row(*map(Text, (f"{label}\n{runs}", f"{accuracy}\n{ci}", loss,
                                 _folded(step), _folded(ratio))))  # fmt: skip
        against.add_row(*map(Text, (label, _folded(diff), d, f"{test}\n{p}")),
                        Text(verdict, VERDICT_STYLE.get(verdict, "")))  # fmt: skip
    return Group(time, against)


#: `folded_summary_tables`' headers: a second line names what the cells' second line holds.
FOLDED_TIME_COLUMNS = ("activation\nruns", "test accuracy\n95% CI", "test loss",
                       "ms/step\n95% CI", "time ×\n95% CI")  # fmt: skip
FOLDED_BASELINE_COLUMNS = ("activation", "Δ acc\n95% CI", "d", "test (pairs)\np (Holm)",
                           "verdict")  # fmt: skip


def _folded(text: str) -> str:
    """'2.04 [1.90, 2.18]' as its value over its interval."""
    return text.replace(" [", "\n[", 1)


#: The columns of `summary_table` (and of a comparison's HTML table in a notebook).
SUMMARY_COLUMNS = (
    "activation", "runs", "test accuracy", "95% CI", "test loss", "ms/step [95% CI]",
    "time × [95% CI]", "Δ acc [95% CI]", "d", "test (pairs)", "p (Holm)", "verdict",
)  # fmt: skip


def summary_cells(row) -> tuple[str, ...]:
    """The texts of one `summarize` row (from ``itertuples()``), one per SUMMARY_COLUMNS."""
    return (
        row.Index, _runs(row), _pm(row.accuracy_mean, row.accuracy_std),
        _interval(row.accuracy_ci95_low, row.accuracy_ci95_high), _num(row.loss_mean, 4),
        step_time_text(row), time_ratio_text(row), difference_text(row),
        _num(row.cohens_d, 2), accuracy_test_text(row), _num(row.p_holm, 3), row.verdict,
    )  # fmt: skip


def unpaired_note(summary: pd.DataFrame) -> str:
    """Which activations fell back to Welch's unpaired test, and why ('' if none did)."""
    unpaired = [str(label) for label in summary.index[summary["test"] == UNPAIRED]]
    if not unpaired:
        return ""
    return (
        f"Unpaired: {', '.join(unpaired)} had fewer than two seeds finished on both sides, so "
        "their p is Welch's t-test, their Δ the difference of means with Welch's interval, "
        "and d Cohen's d with the pooled standard deviation."
    )


def study_table(study, result, dataset: str | None = None) -> Table:
    """Our numbers beside the article's; on another `dataset` than the article's (an
    MNIST study on fashion_mnist) the article's numbers are left out, and the caption says so.
    The caption also says what is compared: activations, baseline, seeds and comparison."""
    summary = result.table()
    runs = result.runs()
    article_dataset = study.article_dataset()
    same_dataset = dataset in (None, article_dataset)
    compared = (
        f"Compared: {', '.join(result.labels)} against baseline {result.baseline}, seeds "
        f"{', '.join(map(str, result.seeds))}, in comparison {result.name!r} of {result.db} "
        "(reproduce's own: it shares no runs with actlab compare)."
    )
    other_dataset = (
        f"The article measured on {article_dataset}, not {dataset}: its numbers are not "
        f"shown beside these {dataset} results (run without --dataset to see them)."
    )
    notes = [study.note, compared] if same_dataset else [other_dataset, compared]
    table = Table(
        title=Text(f"{study.name} (article {study.article}), {result.name}"),
        caption=Text("\n".join(notes)),
    )
    article = [f"article: {study.reported_metric}"] if same_dataset else []
    ours = "ours, same measure" if same_dataset else f"ours: {study.reported_metric}"
    for column in ("activation", "runs", "our test accuracy", "our ms/step", *article, ours,
                   "verdict"):  # fmt: skip
        table.add_column(column)
    for row in summary.itertuples():
        reported = study.reported.get(row.Index)
        reported_cell = ["" if reported is None else f"{reported:g}"] if same_dataset else []
        table.add_row(*map(Text, (
            row.Index, _runs(row), _pm(row.accuracy_mean, row.accuracy_std),
            step_time_text(row), *reported_cell,
            _ours_same_measure(study, result, runs, row.Index), row.verdict,
        )))  # fmt: skip
    return table


def _ours_same_measure(study, result, runs: pd.DataFrame, label: str) -> str:
    """Our number in the article's own measure, mean ± std over finished seeds."""
    mine = runs[(runs["label"] == label) & (runs["status"] == "finished")]
    if mine.empty:
        return "—"
    if study.reported_metric == "mistakes_in_first_96":
        counts = [float(result.mistakes_in_first(run_id, 96)) for run_id in mine["run_id"]]
        return _pm(*_mean_std(counts), digits=1)
    if study.reported_metric == "val_accuracy_plateau":
        # The article reads the plateau off its curves: the mean of the last 5 epochs here.
        history = result.history()
        last = history[history["run_id"].isin(mine["run_id"])].groupby("run_id").tail(5)
        return _pm(*_mean_std(last.groupby("run_id")["val_accuracy"].mean().tolist()))
    return _pm(*_mean_std(mine["test_accuracy"].tolist()))


def step_time_text(row) -> str:
    """Mean milliseconds per step of a `summarize` row, with its 95% CI when there is one."""
    mean = row.step_ms_mean
    digits = 0 if math.isnan(mean) or mean <= 0 else max(0, 2 - math.floor(math.log10(mean)))
    return _with_interval(mean, row.step_ms_ci95_low, row.step_ms_ci95_high, digits)


def time_ratio_text(row) -> str:
    """The step-time ratio to the baseline of a `summarize` row, with its 95% CI."""
    return _with_interval(row.time_ratio, row.time_ratio_ci95_low, row.time_ratio_ci95_high, 2)


def difference_text(row) -> str:
    """The accuracy difference to the baseline of a `summarize` row, with its 95% CI."""
    return _with_interval(row.diff_to_baseline, row.diff_ci95_low, row.diff_ci95_high, 4, "+")


def accuracy_test_text(row) -> str:
    """The accuracy test of a `summarize` row, with the matched seeds it paired."""
    if not isinstance(row.test, str):
        return "—"
    return row.test if row.test == UNPAIRED else f"{row.test} ({row.accuracy_pairs})"


def _with_interval(value: float, low: float, high: float, digits: int, sign: str = "") -> str:
    if value is None or math.isnan(value):
        return "—"
    if low is None or math.isnan(low):
        return f"{value:{sign}.{digits}f}"
    return f"{value:{sign}.{digits}f} [{low:{sign}.{digits}f}, {high:{sign}.{digits}f}]"


def _mean_std(values: list[float]) -> tuple[float, float]:
    s = pd.Series(values, dtype=float)
    return float(s.mean()), float(s.std(ddof=1)) if len(s) > 1 else math.nan


def _runs(row) -> str:
    total = row.runs_finished + row.runs_diverged + row.runs_failed
    extra = []
    if row.runs_diverged:
        extra.append(f"{row.runs_diverged} diverged")
    if row.runs_failed:
        extra.append(f"{row.runs_failed} failed")
    return f"{row.runs_finished}/{total}" + (f" ({', '.join(extra)})" if extra else "")


def _pm(mean: float, std: float, digits: int = 4) -> str:
    if mean is None or math.isnan(mean):
        return "—"
    if std is None or math.isnan(std):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def _interval(low: float, high: float) -> str:
    return "—" if math.isnan(low) else f"[{low:.4f}, {high:.4f}]"


def _num(value: float, digits: int) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.{digits}f}"
