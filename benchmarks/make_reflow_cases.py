"""Real PDF test cases for reflow: typeset known paragraphs, extract them with real tools.

    .venv/bin/python benchmarks/make_reflow_cases.py [OUT_DIR]   (default tests/data/reflow)

Needs the bench extras (fpdf2, pdfminer.six, pyphen), poppler's ``pdftotext`` and the
Debian font ``fonts-wqy-zenhei``. For each case it writes ``CASE.txt`` (the extraction)
for each extractor and ``NAME.gold`` (the paragraphs that were typeset, one per line).

- Chinese: the web paragraphs the seed pdf does not cover (95-285), on three page
  sizes and font sizes, first lines indented with two U+3000 like the seed, headings
  flush left (and once in a larger size), a running header and a page number on every page;
- English: the GNU GPL version 3 (/usr/share/common-licenses/GPL-3, licensed to be
  copied verbatim), justified lines hyphenated with pyphen, headings and numbered
  sections, a running header and page numbers;
- classical: unpunctuated text wrapped at a fixed width, paragraphs marked only by
  indentation (the seed paragraphs with their punctuation removed).

Each PDF is extracted with ``pdftotext``, ``pdftotext -layout`` and pdfminer.six.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import regex

from aligner.samples import typeset_english_pdf, typeset_pdf

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "corpora" / "nhrap-2021-2025" / "web.txt"
GPL = Path("/usr/share/common-licenses/GPL-3")
HEADING = regex.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
PUNCTUATION = regex.compile(r"\p{P}+")

# (name, page width mm, page height mm, font size pt, margin mm)
CJK_LAYOUTS = (("a5", 148, 210, 11, 16), ("a4", 210, 297, 12, 25), ("b5", 176, 250, 10, 20))


def chinese_paragraphs() -> list[str]:
    lines = [line.strip() for line in WEB.read_text(encoding="utf-8").split("\n") if line.strip()]
    return lines[94:]


def english_paragraphs() -> list[str]:
    """The GPL's paragraphs (blank-line separated), whitespace folded; the first 70."""
    text = GPL.read_text(encoding="utf-8")
    blocks = [" ".join(block.split()) for block in text.split("\n\n")]
    return [b for b in blocks if b][:70]


def classical_paragraphs() -> list[str]:
    """Seed paragraphs stripped of punctuation: layout is all that marks a paragraph."""
    paragraphs = [PUNCTUATION.sub("", p) for p in chinese_paragraphs()[:80]]
    return [p for p in paragraphs if len(p) > 4]


def typeset_chinese(
    out: Path, paragraphs: list[str], layout: tuple[str, int, int, int, int], indent_only: bool
) -> None:
    _, width, height, size, margin = layout
    typeset_pdf(
        out,
        paragraphs,
        page=(width, height),
        size=size,
        margin=margin,
        larger_headings=False,
        indent_only=indent_only,
        heading=lambda text: int(bool(HEADING.match(text))),
    )


def typeset_english(out: Path, paragraphs: list[str]) -> None:
    typeset_english_pdf(out, paragraphs)


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "pdftotext": lambda pdf: (
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ),
    "pdftotext-layout": lambda pdf: (
        subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ),
    "pdfminer": lambda pdf: _pdfminer(pdf),
}


def _pdfminer(pdf: Path) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(str(pdf)))


def make(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, list[str], Callable[[Path], None]]] = []
    zh = chinese_paragraphs()
    for layout in CJK_LAYOUTS:
        cases.append((f"zh-{layout[0]}", zh, lambda p, layout=layout: typeset_chinese(p, zh, layout, False)))
    # headings set larger, as the plan's own PDF does: extractors set them apart with blank lines
    cases.append(("zh-a5-headings", zh, lambda p: typeset_pdf(p, zh, page=(148, 210), size=11, margin=16)))
    classical = classical_paragraphs()
    cases.append(("classical-a5", classical, lambda p: typeset_chinese(p, classical, CJK_LAYOUTS[0], True)))
    en = english_paragraphs()
    cases.append(("en-gpl3", en, lambda p: typeset_english(p, en)))
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gold, typeset in cases:
            pdf = Path(tmp) / f"{name}.pdf"
            typeset(pdf)
            (out / f"{name}.gold").write_text("\n".join(gold) + "\n", encoding="utf-8")
            for extractor, extract in EXTRACTORS.items():
                case = f"{name}.{extractor}"
                (out / f"{case}.txt").write_text(extract(pdf), encoding="utf-8")
                written.append(case)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "reflow"
    for case in make(target):
        print(target / f"{case}.txt")
