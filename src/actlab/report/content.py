"""The report's content: a Document of sections built from a comparison and its figures."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pandas as pd

from actlab import activations as catalog
from actlab.experiments.significance import TESTS
from actlab.experiments.store import error_reason
from actlab.experiments.tables import (
    accuracy_test_text,
    difference_text,
    step_time_text,
    time_ratio_text,
    unpaired_note,
)
from actlab.report.data import ComparisonData
from actlab.report.document import Cell, Code, Document, Link, Paragraph, Section, Table
from actlab.report.figures import FigureSet

ALPHA = 0.05
STATISTICS_HEADERS = ["activation", "runs", "test accuracy", "95% CI", "test loss",
                      "ms/step [95% CI]", "time × [95% CI]", "Δ accuracy [95% CI]", "d",
                      "test (pairs)", "p (Holm)", "verdict"]  # fmt: skip


def build_document(data: ComparisonData, figures: FigureSet) -> Document:
    """Every section of the report, in reading order."""
    notes = [Paragraph(note, "note") for note in figures.notes]
    sections = [
        Section("Result", [_result_paragraph(data), statistics_table(data)], "result"),
        Section("Figures", list(figures.images), "figures"),
        *([Section("Notes on the figures", notes, "notes")] if notes else []),
        Section("Runs that did not finish", [_unfinished_block(data)], "unfinished"),
        Section("Activations", [activations_table(data)], "activations"),
        Section("Configuration", [config_table(data)], "configuration"),
        Section("Environment", environment_blocks(data), "environment"),
    ]
    return Document(title=f"actlab report: {data.name}", subtitle=_subtitle(data),
                    sections=sections)  # fmt: skip


def statistics_table(data: ComparisonData) -> Table:
    """The comparison's table (see `ComparisonResult.table`): one row per activation."""
    summary = data.summary(alpha=ALPHA)
    totals = data.runs.groupby("label").size()
    rows, classes = [], []
    for row in summary.itertuples():
        rows.append([
            row.Index, _runs_text(row, int(totals.get(row.Index, 0))),
            _plus_minus(row.accuracy_mean, row.accuracy_std),
            _interval(row.accuracy_ci95_low, row.accuracy_ci95_high), _number(row.loss_mean, 4),
            step_time_text(row), time_ratio_text(row), difference_text(row),
            _number(row.cohens_d, 2), accuracy_test_text(row), _number(row.p_holm, 3),
            row.verdict,
        ])  # fmt: skip
        classes.append("verdict-" + row.verdict.split(" ")[0])
    caption = " ".join(filter(None, (
        f"Baseline: {data.baseline}. Test accuracy is the mean ± sample standard deviation "
        "over finished runs; 95% CI is the t-interval of the mean, clipped to [0, 1] (the mean "
        "cannot leave it, so clipping keeps the interval's 95% coverage).",
        _test_text(summary, data.test), unpaired_note(summary),
        "ms/step: mean time per training step after warm-up (first epoch, or a one-epoch "
        "run's first batches, left out; validation excluded) with its 95% t-interval over "
        "runs; time ×: geometric-mean ratio of step times to the baseline's, paired by seed, "
        "with its 95% interval.",
    )))  # fmt: skip
    return Table(STATISTICS_HEADERS, rows, caption=caption, row_classes=classes,
                 css_class="numbers")  # fmt: skip


def activations_table(data: ComparisonData) -> Table:
    """Each compared activation: parameters (defaults included), kind, formula, paper."""
    rows: list[list[Cell]] = []
    for candidate in data.candidates():
        try:
            entry = catalog.spec(candidate.name)
        except ValueError:
            rows.append([candidate.label, candidate.name, _params_text(candidate.params),
                         "not registered in this process", "", ""])  # fmt: skip
            continue
        params = entry.validate_params(candidate.params)
        rows.append([candidate.label, entry.name, _params_text(params), entry.kind,
                     Code(entry.formula) if entry.formula else "", _paper(entry)])  # fmt: skip
    headers = ["label", "catalog name", "parameters", "kind", "formula (LaTeX)", "paper"]
    return Table(headers, rows)


def config_table(data: ComparisonData) -> Table:
    """The task recipe the comparison ran, with its seeds and overrides."""
    rows: list[list] = [
        ["comparison", data.name],
        ["task", data.task],
        ["activations", ", ".join(data.labels)],
        ["baseline", data.baseline],
        ["accuracy test", TESTS[data.test]],
        ["seeds", ", ".join(str(seed) for seed in data.seeds)],
    ]
    overrides = data.overrides()
    if overrides:
        rows.append(["overrides", Code(_json(overrides))])
    extra = {k: v for k, v in data.config.items() if k not in ("task", "baseline", "test")}
    for key, value in {**data.task_config, **extra}.items():
        rows.append([key, value if isinstance(value, str) else Code(_json(value))])
    return Table(["field", "value"], rows, caption=f"Results store: {data.db}")


def environment_blocks(data: ComparisonData) -> list:
    """What the runs ran on; one table per distinct environment."""
    environments = data.environments()
    blocks: list = []
    if len(environments) > 1:
        blocks.append(Paragraph(
            f"The runs ran in {len(environments)} different environments; times compare "
            "fairly only within one.", "warning"))  # fmt: skip
    for environment, count in environments:
        rows = [["runs", str(count)]]
        rows += [[key.replace("_", " "), str(environment.get(key) or "unknown")]
                 for key in ("backend", "device", "dtype_policy")]  # fmt: skip
        rows += [[f"{name} version", str(version)]
                 for name, version in (environment.get("versions") or {}).items()]  # fmt: skip
        rows += [[name, str(value)] for name, value in (environment.get("machine") or {}).items()]
        blocks.append(Table(["what", "value"], rows))
    return blocks


def _test_text(summary: pd.DataFrame, test: str) -> str:
    tests = int(summary["p_holm"].notna().sum())
    if tests == 0:
        return "No test was possible: a test needs two finished runs on each side."
    return (
        "Δ accuracy: mean over matched seeds (finished on both sides) of accuracy minus the "
        "baseline's, with its paired 95% t-interval (clipped to [-1, 1]); d: Cohen's d for "
        "paired data (mean / standard deviation of the differences). p: "
        f"{TESTS[test]} test of the per-seed differences, Holm-adjusted over {tests} test"
        + "s" * (tests != 1)
        + f"; verdicts at alpha = {ALPHA}."
    )


def _unfinished_block(data: ComparisonData):
    runs = data.unfinished()
    if runs.empty:
        return Paragraph(f"All {len(data.runs)} runs finished.")
    rows = [
        [row.label, str(row.seed), row.status, _diverged_text(row.diverged_epoch),
         error_reason(row.error)]
        for row in runs.itertuples()
    ]  # fmt: skip
    return Table(["activation", "seed", "status", "diverged at epoch", "reason"], rows,
                 caption="Diverged and failed runs are left out of every statistic and figure "
                 "except the run counts.")  # fmt: skip


def _result_paragraph(data: ComparisonData) -> Paragraph:
    finished = len(data.finished())
    return Paragraph(
        f"{len(data.labels)} activations × {len(data.seeds)} seeds on task {data.task}: "
        f"{finished} of {len(data.runs)} runs finished. Baseline: {data.baseline}."
    )


def _subtitle(data: ComparisonData) -> str:
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    dataset, model = data.task_config.get("dataset", "?"), data.task_config.get("model", "?")
    return f"task {data.task} (dataset {dataset}, model {model}); report made {created}"


def _paper(entry):
    reference = entry.reference
    if reference is None:
        return ""
    text = reference.cite()
    return Link(text, reference.link) if reference.link else text


def _runs_text(row, total: int) -> str:
    text = f"{row.runs_finished}/{total}"
    extra = [f"{count} {what}" for count, what in
             ((row.runs_diverged, "diverged"), (row.runs_failed, "failed")) if count]  # fmt: skip
    return text + (f" ({', '.join(extra)})" if extra else "")


def _params_text(params: dict) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in params.items()) or "—"


def _diverged_text(epoch) -> str:
    return "" if pd.isna(epoch) else str(int(epoch))


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value, digits: int) -> str:
    return "—" if _missing(value) else f"{value:.{digits}f}"


def _plus_minus(mean, std) -> str:
    if _missing(mean):
        return "—"
    return f"{mean:.4f}" + ("" if _missing(std) else f" ± {std:.4f}")


def _interval(low, high) -> str:
    return "—" if _missing(low) else f"[{low:.4f}, {high:.4f}]"
