"""The HTML report: every section, every figure embedded, and user text escaped."""

from __future__ import annotations

import pytest

from actlab import report
from actlab.report.template import CONTENT_SECURITY_POLICY
from tests.report import stores
from tests.report.page import parse

PNG = b"\x89PNG\r\n\x1a\n"
SECTIONS = ["Result", "Figures", "Runs that did not finish", "Activations", "Configuration",
            "Environment"]  # fmt: skip


@pytest.fixture(scope="module")
def hostile_html(hostile_report):
    return hostile_report.read_text(encoding="utf-8")


def test_the_real_report_has_every_section_figure_and_statistic(trained_report):
    page = parse(trained_report.read_text(encoding="utf-8"))
    assert page.headings == SECTIONS
    titles = [img["alt"] for img in page.images()]
    assert titles == [
        "Activation shapes", "Learning curves", "Test accuracy per seed", "Time per epoch",
        "Accuracy against time", "Confusion matrices", "Predictions of the best run",
        "First-layer weights of the best run",
    ]  # fmt: skip
    assert all(png.startswith(PNG) for png in page.png_images())
    assert len(page.png_images()) == len(titles)
    statistics = page.table_after("Result")
    assert statistics[0][0] == "activation" and statistics[0][-1] == "verdict"
    assert [row[0] for row in statistics[1:]] == ["relu", "tanhexp"]
    assert [row[1] for row in statistics[1:]] == ["2/2", "2/2"]
    assert statistics[1][-1] == "baseline"
    headers = statistics[0]
    assert statistics[1][headers.index("time × [95% CI]")] == "1.00 [1.00, 1.00]"  # paired
    assert statistics[2][headers.index("ms/step [95% CI]")] != "—"
    assert "All 4 runs finished." in page.text


def test_the_statistics_are_paired_with_effect_size_and_bounded_intervals(trained_report):
    page = parse(trained_report.read_text(encoding="utf-8"))
    statistics = page.table_after("Result")
    headers, tanhexp = statistics[0], statistics[2]
    position = headers.index("time × [95% CI]") + 1
    assert headers[position : position + 3] == ["Δ accuracy [95% CI]", "d", "test (pairs)"]
    assert tanhexp[headers.index("test (pairs)")] == "paired t (2)"
    difference = tanhexp[headers.index("Δ accuracy [95% CI]")]
    assert difference.startswith(("+", "-")) and difference.count("[") == 1
    for row in statistics[1:]:
        low, high = map(float, row[headers.index("95% CI")].strip("[]").split(", "))
        assert 0.0 <= low <= high <= 1.0  # with two seeds a plain t-interval often passes 1
    text = " ".join(page.text.split())
    assert "clipped to [0, 1]" in text and "paired t test of the per-seed differences" in text
    assert "Cohen's d for paired data" in text
    config = dict(row for row in page.table_after("Configuration")[1:])
    assert config["baseline"] == "relu" and config["accuracy test"] == "paired t"


def test_the_page_is_self_contained(trained_report):
    text = trained_report.read_text(encoding="utf-8")
    page = parse(text)
    assert all(img["src"].startswith("data:image/png;base64,") for img in page.images())
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "iframe", "object")]
    sources = [attrs for _, attrs in page.tags if "src" in attrs]
    assert all(attrs["src"].startswith("data:") for attrs in sources)
    assert "@import" not in text and "url(" not in text
    assert CONTENT_SECURITY_POLICY in text


def test_config_environment_and_activations_are_listed(trained_report):
    page = parse(trained_report.read_text(encoding="utf-8"))
    config = dict(row for row in page.table_after("Configuration")[1:])
    assert config["task"] == "digits_mlp" and config["seeds"] == "0, 1"
    assert config["activations"] == "relu, tanhexp" and config["epochs"] == "2"
    assert config["overrides"] == '{"epochs": 2}'
    environment = dict(page.table_after("Environment")[1:])
    assert environment["runs"] == "4" and environment["keras version"]
    assert environment["device"].startswith(("cpu: ", "gpu: "))
    assert environment["dtype policy"] == "float32"
    activations = page.table_after("Activations")
    assert activations[2][:4] == ["tanhexp", "tanhexp", "—", "function"]
    assert activations[2][4] == r"x \tanh(e^{x})"


def test_user_text_is_escaped_everywhere(hostile_html, hostile_activation):
    assert stores.HOSTILE not in hostile_html
    assert "<img src=x" not in hostile_html and "<b>bad</b>" not in hostile_html
    assert 'href="javascript:' not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    page = parse(hostile_html)
    assert page.tags.count(("script", {})) == 0
    assert f"actlab report: {stores.HOSTILE}" in page.text  # shown as text, as typed
    activation = next(row for row in page.table_after("Activations") if row[0] == "xss_probe")
    assert activation[4] == stores.HOSTILE + r" x \cdot 2"


def test_runs_that_did_not_finish_are_explained(hostile_html, hostile_activation):
    page = parse(hostile_html)
    rows = page.table_after("Runs that did not finish")
    assert rows[0] == ["activation", "seed", "status", "diverged at epoch", "reason"]
    assert rows[1] == [hostile_activation, "1", "failed", "",
                       "ValueError: <b>bad</b> & " + stores.HOSTILE]  # fmt: skip
    assert rows[2] == ["tanhexp", "1", "diverged", "2", ""]
    counts = {row[0]: row[1] for row in page.table_after("Result")[1:]}
    assert counts == {"relu": "2/2", hostile_activation: "1/2 (1 failed)",
                      "tanhexp": "1/2 (1 diverged)"}  # fmt: skip


def test_figures_that_cannot_be_drawn_become_notes(hostile_html):
    page = parse(hostile_html)
    assert "Notes on the figures" in page.headings
    assert "First-layer weights of the best run: not drawn (run 3 has no stored model" in page.text
    assert "Predictions of the best run" in [img["alt"] for img in page.images()]


def test_options_are_checked_before_any_work(tmp_path, trained_db):
    with pytest.raises(report.ReportError, match="format must be one of html, markdown"):
        report.write_report(tmp_path / "r.pdf", trained_db, output_format="pdf")
    with pytest.raises(report.ReportError, match="band must be one of std, ci95"):
        report.write_report(tmp_path / "r.html", trained_db, band="iqr")
    assert not (tmp_path / "r.html").exists()


def test_unknown_activations_failed_runs_and_mixed_machines_still_give_a_report(tmp_path):
    db = tmp_path / "odd.db"
    stores.write_comparison(db, "odd", [
        stores.run("relu", 0), stores.run("relu", 1, machine={"processor": "Other CPU"}),
        stores.run("ghost_act", 0, status="failed", error="boom"),
    ])  # fmt: skip
    report.write_report(tmp_path / "odd.html", db)
    page = parse((tmp_path / "odd.html").read_text(encoding="utf-8"))
    assert "Activation shapes: ghost_act is not registered in this process" in page.text
    assert page.table_after("Activations")[2][3] == "not registered in this process"
    assert "ran in 2 different environments" in page.text
    assert len(page.tables_by_heading["Environment"]) == 2
    assert {row[0]: row[1] for row in page.table_after("Result")[1:]}["ghost_act"] == (
        "0/1 (1 failed)"
    )
