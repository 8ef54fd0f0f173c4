"""The README's Python examples run as written (all but the long training one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
QUICK = [b for b in BLOCKS if "actlab.compare(" not in b]


def test_readme_has_examples():
    assert len(QUICK) >= 3


@pytest.mark.parametrize("block", QUICK, ids=[f"block{i}" for i in range(len(QUICK))])
def test_readme_example_runs(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(README), "exec"), {"__name__": "readme"})
