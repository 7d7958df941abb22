"""Paragraph-boundary precision, recall and F1 of reflow on real PDF extractions, beside opencc-pyo3.

    .venv/bin/python benchmarks/reflow_quality.py [CASE_DIR]   (default tests/data/reflow)

A boundary is identified by the text around it with whitespace and hyphens removed
(the last 8 characters before it, the first 12 after), so one misplaced boundary
costs one miss, not every boundary after it. Cases come from ``make_reflow_cases.py``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "reflow"


def _key(text: str) -> str:
    return "".join(text.split()).replace("-", "").replace("\u00ad", "")


def boundaries(paragraphs: Iterable[str]) -> Counter[tuple[str, str]]:
    """The boundaries between consecutive paragraphs, by the text on either side."""
    keys = [_key(p) for p in paragraphs]
    keys = [k for k in keys if k]
    stream = "".join(keys)
    found: Counter[tuple[str, str]] = Counter()
    position = 0
    for key in keys[:-1]:
        position += len(key)
        found[stream[max(0, position - 8) : position], stream[position : position + 12]] += 1
    return found


def score(found: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the boundaries of ``found`` against those of ``gold``."""
    got, want = boundaries(found), boundaries(gold)
    hits = sum((got & want).values())
    precision = hits / max(sum(got.values()), 1)
    recall = hits / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def aligner_paragraphs(text: str) -> list[str]:
    from aligner.normalize import normalize_text

    return [p.text for p in normalize_text(text).paragraphs]


def opencc_paragraphs(text: str) -> list[str]:
    from opencc_pyo3.opencc_pyo3 import reflow_cjk_paragraphs

    return [line for line in reflow_cjk_paragraphs(text, False, True).split("\n") if line.strip()]


def cases(folder: Path = CASES) -> list[tuple[str, str, list[str]]]:
    """(case name, extracted text, gold paragraphs) for every extraction in ``folder``."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        name = path.name.removesuffix(".txt")
        gold = folder / f"{name.split('.')[0]}.gold"
        paragraphs = gold.read_text(encoding="utf-8").split("\n")
        found.append((name, path.read_text(encoding="utf-8"), [p for p in paragraphs if p]))
    return found


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else CASES
    tools: dict[str, Callable[[str], list[str]]] = {"aligner": aligner_paragraphs, "opencc-pyo3": opencc_paragraphs}
    print(f"{'case':<32} {'gold':>5}  " + "  ".join(f"{t:>22}" for t in tools))
    print(f"{'':<32} {'':>5}  " + "  ".join(f"{'P':>6} {'R':>6} {'F1':>6}  " for _ in tools))
    for name, text, gold in cases(folder):
        cells = []
        for tool in tools.values():
            p, r, f = score(tool(text), gold)
            cells.append(f"{p:>6.3f} {r:>6.3f} {f:>6.3f}  ")
        print(f"{name:<32} {len(gold):>5}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
