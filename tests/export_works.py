"""What the tests of reference managers' exports (BibTeX, RIS, EndNote text, CSL-JSON) share: the
works of tests/entries/exports/ as their sources verify them (exports/SOURCES.md and
entries/SOURCES.md), which every reader must give whatever the format, and the check that a
refused file is one message and changes nothing. The ids of the two Chinese works follow
exports/SOURCES.md's rule for records without a key."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from dskg.cli import app

# exports/SOURCES.md: the two works of two-works-cnki.ris / .enw (and two-works-zotero.json)
ZHOU = {
    "id": "work-2021-18dbec63",
    "type": "article",
    "title": {"zh": "数据跨境流动限制性措施对数字贸易出口技术复杂度影响的经验研究"},
    "authors": ["周念利", "姚亭亭"],
    "year": "2021",
    "language": "zh",
    "venue": "广东财经大学学报",
    "volume": "36",
    "issue": "2",
    "pages": "4-15",
}  # no DOI: none is shown for it
OUYANG = {
    "id": "work-2023-d3bb2dfc",
    "type": "article",
    "title": {"zh": "数字贸易发展的内生增长机理与中国策略"},
    "authors": ["欧阳日辉", "梁家骥"],
    "year": "2023",
    "language": "zh",
    "venue": "电子科技大学学报社科版",
    "volume": "25",
    "issue": "4",
    "pages": "1-16",
    "doi": "10.14071/j.1008-8105(2023)-1053",
}
# tests/entries/SOURCES.md, nordas-rouzet-2017 (no verified DOI)
NORDAS = {
    "id": "nordas-rouzet-2017",
    "type": "article",
    "title": {"en": "The Impact of Services Trade Restrictiveness on Trade Flows"},
    "authors": ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"],
    "year": "2017",
    "language": "en",
    "venue": "The World Economy",
    "volume": "40",
    "issue": "6",
    "pages": "1155-1183",
    "url": "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=2982705",
}


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of the data folder and its hash (the empty lock file `add` takes aside)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".dskg.lock")
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def refused_with_one_message(path: Path, folder: Path) -> str:
    """`dskg add PATH --data FOLDER` exits 1 with exactly one Violation, no traceback and the folder
    as it was; the Violation's line, for the caller's checks of its place, message and fix."""
    before = folder_state(folder)
    result = CliRunner().invoke(app, ["add", str(path), "--data", str(folder)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    said = [row for row in result.output.splitlines() if ": Violation:" in row]
    assert len(said) == 1, result.output
    assert "Fix:" in said[0], result.output
    assert folder_state(folder) == before
    return said[0]
