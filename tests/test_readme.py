"""The README's notebook example runs as written (issue 10), on the fixture copy of the seeds."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(seed_dir, monkeypatch, capsys):
    block = re.search(r"## In a notebook\s+```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no '## In a notebook' python example"
    monkeypatch.setenv("FAZHI_CORPUS_DIR", str(seed_dir))
    namespace: dict = {}
    exec(compile(block.group(1), str(README), "exec"), namespace)
    assert namespace["received"].value == 91
    assert namespace["c"].folder == seed_dir
    assert set(namespace["shares"]["county"]) == {"冠县", "开江县", "濉溪县", "濮阳县"}
    assert capsys.readouterr().out.startswith("91.0 2023年接收行政复议申请91件")
