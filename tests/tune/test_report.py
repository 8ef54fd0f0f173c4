"""The report of a study: trials with their states, history, importances, slice plots."""

from __future__ import annotations

import optuna
import pytest

from actlab.report.document import Image, Table
from actlab.tune.report import study_document, write_study_report

PNG = b"\x89PNG"


@pytest.fixture
def study():
    """A real study of two parameters: one complete trial per corner, one pruned, one failed."""
    study = optuna.create_study(direction="maximize")
    study.set_user_attr("actlab", {"metric": "val_accuracy", "seeds": [0],
                                   "task": {"name": "digits_mlp", "epochs": 2}})  # fmt: skip
    for choice, slope in [("relu", 0.1), ("elu", 0.2), ("relu", 0.3), ("elu", 0.01)]:
        trial = study.ask()
        trial.suggest_categorical("activation", ["relu", "elu"])
        trial.suggest_float("slope", 0.001, 1.0, log=True)
        trial.set_user_attr("label", f"{choice}-{slope}")
        study.tell(trial, 0.5 + slope)
    pruned = study.ask()
    pruned.set_user_attr("note", "pruned by Optuna after epoch 1")
    study.tell(pruned, state=optuna.trial.TrialState.PRUNED)
    study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    return study


def test_the_document_has_every_trial_the_history_importances_and_a_slice_per_parameter(study):
    document = study_document(study)
    sections = {section.title: section.blocks for section in document.sections}
    assert list(sections) == ["Trials", "History", "Parameter importances", "Slices"]
    summary, table = sections["Trials"]
    assert "6 trials (4 complete, 1 fail, 1 pruned)" in summary.text
    assert "Best: trial 2" in summary.text  # 0.5 + 0.3
    assert [row[2] for row in table.rows] == ["complete"] * 4 + ["pruned", "fail"]
    assert table.rows[4][4] == "pruned by Optuna after epoch 1"
    (history,) = sections["History"]
    assert isinstance(history, Image) and history.png.startswith(PNG)
    (importances,) = sections["Parameter importances"]
    assert isinstance(importances, Table)
    assert {row[0] for row in importances.rows} == {"activation", "slope"}
    assert [image.title for image in sections["Slices"]] == ["Slice: activation", "Slice: slope"]


def test_the_report_is_written_as_markdown_with_its_pictures(study, tmp_path):
    written = write_study_report(tmp_path / "study.md", study, "markdown")
    assert written[0] == tmp_path / "study.md"
    assert [path.name for path in written[1:]] == [
        "01-history.png", "02-slice_activation.png", "03-slice_slope.png",
    ]  # fmt: skip
    text = written[0].read_text()
    assert "## Parameter importances" in text and "study_files/01-history.png" in text


def test_a_study_without_complete_trials_says_so(tmp_path):
    study = optuna.create_study()
    study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    sections = {s.title: s.blocks for s in study_document(study).sections}
    assert sections["History"][0].text == "No trial is complete yet."
    assert sections["Parameter importances"][0].text.startswith("Importances need")
