"""The report of a study: its trials, its history, the parameters' importances and the slice
plot of each parameter, as a report Document (HTML page or Markdown + PNGs)."""

from __future__ import annotations

import warnings
from pathlib import Path

import optuna

from actlab.plots.style import figure_to_png, new_figure, plain_text
from actlab.report import write_document
from actlab.report.document import Document, Image, Paragraph, Section, Table

_COMPLETE = optuna.trial.TrialState.COMPLETE


def study_document(study: optuna.Study) -> Document:
    """Sections: the trials (with each one's state and why), the history, the importances,
    one slice plot per parameter."""
    settings = study.user_attrs.get("actlab", {})
    metric = settings.get("metric", "value")
    complete = study.get_trials(deepcopy=False, states=(_COMPLETE,))
    sections = [
        Section("Trials", [_summary(study, metric), _trials_table(study, metric)], "trials"),
        Section("History", _history(study, complete, metric), "history"),
        Section("Parameter importances", _importances(study, complete), "importances"),
        Section("Slices", _slices(study, complete, metric), "slices"),
    ]
    return Document(f"Study {study.study_name}", _subtitle(settings), sections)


def write_study_report(
    output: str | Path, study: optuna.Study, output_format: str = "html"
) -> list[Path]:
    """Write the study's report (see `actlab.report.write_document`); the files written."""
    return write_document(study_document(study), output, output_format)


def _subtitle(settings: dict) -> str:
    task = settings.get("task", {})
    seeds = settings.get("seeds", [])
    return (
        f"task {task.get('name', '?')}, epochs {task.get('epochs', '?')}, scored on its "
        f"validation split ({task.get('validation_split', '?')} of the training data), "
        f"trial seeds {seeds}"
    )


def _summary(study: optuna.Study, metric: str) -> Paragraph:
    states = [t.state.name.lower() for t in study.get_trials(deepcopy=False)]
    counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states))) or "no trials"
    text = f"{len(states)} trials ({counts}); {metric} is {study.direction.name.lower()}d."
    try:
        best = study.best_trial
    except ValueError:  # no complete trial
        return Paragraph(text)
    label = best.user_attrs.get("label", "")
    return Paragraph(f"{text} Best: trial {best.number}, {label}, {metric} {best.value:.4f}.")


def _trials_table(study: optuna.Study, metric: str) -> Table:
    rows = []
    for trial in study.get_trials(deepcopy=False):
        value = "" if trial.value is None else f"{trial.value:.4f}"
        note = trial.user_attrs.get("note", "")
        if "same_as" in trial.user_attrs:
            note = f"same configuration as trial {trial.user_attrs['same_as']}, not retrained"
        rows.append([str(trial.number), trial.user_attrs.get("label", ""),
                     trial.state.name.lower(), value, note])  # fmt: skip
    return Table(["trial", "configuration", "state", metric, "note"], rows, css_class="numbers")


def _history(study: optuna.Study, complete, metric: str) -> list:
    if not complete:
        return [Paragraph("No trial is complete yet.")]
    figure = new_figure(8, 4)
    axes = figure.add_subplot()
    numbers = [t.number for t in complete]
    values = [t.value for t in complete]
    best = max if study.direction == optuna.study.StudyDirection.MAXIMIZE else min
    so_far = [best(values[: i + 1]) for i in range(len(values))]
    axes.plot(numbers, values, "o", label=f"{metric} of a complete trial")
    axes.step(numbers, so_far, where="post", label="best so far")
    axes.set_xlabel("trial")
    axes.set_ylabel(metric)
    axes.legend()
    caption = "Complete trials only; pruned and failed ones are in the table above."
    return [Image("history", "Optimisation history", caption, figure_to_png(figure))]


def _importances(study: optuna.Study, complete) -> list:
    if len(complete) < 2:
        return [Paragraph("Importances need at least two complete trials.")]
    try:
        with warnings.catch_warnings(record=True) as caught:  # "few trials": said below
            warnings.simplefilter("always")
            importances = optuna.importance.get_param_importances(study)
    except (ValueError, RuntimeError) as error:
        return [Paragraph(f"Importances could not be computed: {error}")]
    rows = [[name, f"{value:.3f}"] for name, value in importances.items()]
    caption = (
        "Optuna's get_param_importances (its default evaluator) over the complete trials; "
        "the importances sum to 1."
    )
    if caught:
        caption += f" Rough: {len(complete)} complete trials are few for it."
    return [Table(["parameter", "importance"], rows, caption=caption, css_class="numbers")]


def _slices(study: optuna.Study, complete, metric: str) -> list:
    names = sorted({name for trial in complete for name in trial.params})
    if not names:
        return [Paragraph("No parameter was searched.")]
    return [_slice(name, complete, metric) for name in names]


def _slice(name: str, complete, metric: str) -> Image:
    having = [t for t in complete if name in t.params]
    figure = new_figure(6, 3.5)
    axes = figure.add_subplot()
    values = [t.value for t in having]
    distribution = having[0].distributions[name]
    if isinstance(distribution, optuna.distributions.CategoricalDistribution):
        choices = [str(c) for c in distribution.choices]
        axes.plot([choices.index(str(t.params[name])) for t in having], values, "o")
        axes.set_xticks(range(len(choices)), [plain_text(c) for c in choices], rotation=30)
    else:
        axes.plot([t.params[name] for t in having], values, "o")
        if getattr(distribution, "log", False):
            axes.set_xscale("log")
    axes.set_xlabel(plain_text(name))
    axes.set_ylabel(metric)
    caption = f"{metric} of the {len(having)} complete trials that have {name}."
    return Image(f"slice_{_file_name(name)}", f"Slice: {name}", caption, figure_to_png(figure))


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name) or "param"
