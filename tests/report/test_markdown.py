"""The Markdown report: a text file and a folder of PNGs beside it, linked relatively."""

from __future__ import annotations

import re

import pytest

from actlab import report
from tests.report import stores

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory, hostile_db):
    folder = tmp_path_factory.mktemp("markdown")
    with stores.hostile_activation_registered():
        return report.write_report(folder / "post.md", hostile_db, output_format="markdown")


def test_markdown_links_every_figure_to_a_png_in_the_folder_beside_it(written):
    tmp_path = written[0].parent
    text = written[0].read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all(link.startswith("post_files/") for link in links)
    assert [tmp_path / link for link in links] == written[1:]
    assert all((tmp_path / link).read_bytes().startswith(PNG) for link in links)
    assert text.startswith("# actlab report: &lt;script&gt;alert(1)&lt;/script&gt;\n")


def test_markdown_escapes_user_text(written):
    text = written[0].read_text(encoding="utf-8")
    assert stores.HOSTILE not in text.replace(f"` {stores.HOSTILE}", "")  # only in code spans
    assert "<b>bad</b>" not in text and "javascript:" not in text
    assert "| ValueError: &lt;b&gt;bad&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "\\| 2/2 \\|" not in text and "| relu | 2/2 |" in text


def test_markdown_image_folder_is_named_after_the_file(tmp_path):
    assert report.image_folder(tmp_path / "blog" / "post.md") == tmp_path / "blog" / "post_files"
