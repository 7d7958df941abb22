"""Paragraph-boundary precision, recall and F1 of reflow on real PDF extractions, beside opencc-pyo3.

    .venv/bin/python benchmarks/reflow_quality.py [CASE_DIR]   (default tests/data/reflow)

Boundaries are scored by :func:`aligner.samples.boundary_scores`. Cases come from
``make_reflow_cases.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from aligner.samples import boundary_scores

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "reflow"


score = boundary_scores


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
