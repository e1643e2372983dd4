"""Shared inputs of the reliability catalogue (issue 14): a small good document, folder snapshots."""

from __future__ import annotations

from pathlib import Path

# A short plan, enough to load as one document with structure and tokens.
GOOD_TEXT = (
    "开江县2021年度法治政府建设重点工作安排\n\n"
    "一、总体要求\n"
    "坚持以习近平新时代中国特色社会主义思想为指导，全面推进依法行政。\n"
    "二、重点任务\n"
    "（一）健全依法决策机制。严格落实重大行政决策程序规定，行政复议申请受理率达到100%。\n"
)
GOOD_NAME = "good.txt"


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of ``folder``: the bytes of regular files, the kind of everything else."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            out[path.name] = f"link:{path.readlink()}"
        elif path.is_file():
            out[path.name] = path.read_bytes()
        else:
            out[path.name] = "other"
    return out
