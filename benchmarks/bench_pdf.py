"""PDF input: pages per second, and paragraph boundaries from the PDF itself against extracted text.

    .venv/bin/python benchmarks/bench_pdf.py [--pages 100] [--runs 3]

Typesets PDFs with :mod:`aligner.samples` (fpdf2, Debian's ``fonts-wqy-zenhei``), the
same cases as ``make_reflow_cases.py``: Chinese on A5 with headings in a larger size,
the GNU GPL v3 hyphenated, and unpunctuated "classical" text marked only by indents.

Speed, on a Chinese PDF of about ``--pages`` pages, each tool in a fresh process, best
of ``--runs``: ``aligner normalize X.pdf`` (reading with positions, reflow, spacing, the
whole command), ``pdftotext`` and ``pdftotext -layout`` (poppler, C++), pdfminer.six
(``extract_text``) and pypdfium2's plain text (the library aligner reads with). Only
aligner's row includes paragraph repair; the others only extract.

Boundaries: precision, recall and F1 of paragraph ends against the typeset paragraphs,
for aligner reading the PDF (``pdf``), and for the text path: each extractor's output
through ``aligner normalize --format text`` (``pdftotext+aligner`` ...), and, as the
baseline of doing nothing, every ``pdftotext`` line taken as a paragraph.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
PDFMINER = "; ".join(
    [
        "import sys",
        "from pdfminer.high_level import extract_text",
        "open(sys.argv[2], 'w').write(extract_text(sys.argv[1]))",
    ]
)
PDFIUM = (
    "import sys, pypdfium2 as p; d = p.PdfDocument(sys.argv[1]); "
    "open(sys.argv[2], 'w').write('\\f'.join(pg.get_textpage().get_text_range() for pg in d))"
)

# name -> command that writes the text of PDF {pdf} to {out}
EXTRACTORS: dict[str, list[str]] = {
    "pdftotext": ["pdftotext", "-enc", "UTF-8", "{pdf}", "{out}"],
    "pdftotext-layout": ["pdftotext", "-layout", "-enc", "UTF-8", "{pdf}", "{out}"],
    "pdfminer": [PYTHON, "-c", PDFMINER, "{pdf}", "{out}"],
    "pypdfium2": [PYTHON, "-c", PDFIUM, "{pdf}", "{out}"],
}
ALIGNER = [PYTHON, "-m", "aligner", "normalize", "{pdf}", "-o", "{out}", "-q"]


def _run(template: list[str], pdf: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command in a fresh process."""
    command = [part.format(pdf=pdf, out=out) for part in template]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed on {pdf}: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def _best(template: list[str], pdf: Path, out: Path, runs: int) -> tuple[float, float]:
    results = [_run(template, pdf, out) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def _pages(pdf: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(pdf)))


def _normalized(source: Path, out: Path, *extra: str) -> list[str]:
    command = [PYTHON, "-m", "aligner", "normalize", str(source), "-o", str(out), "-q", *extra]
    subprocess.run(command, check=True, capture_output=True)
    return [line for line in out.read_text(encoding="utf-8").split("\n") if line]


def _cases(folder: Path) -> list[tuple[str, Path, list[str], str]]:
    """(name, PDF, gold paragraphs, profile) for each typeset case."""
    from make_reflow_cases import (
        CJK_LAYOUTS,
        classical_paragraphs,
        english_paragraphs,
        typeset_chinese,
        typeset_english,
    )

    from aligner.samples import typeset_pdf, web_paragraphs

    chinese = web_paragraphs()[94:]
    layout = CJK_LAYOUTS[0]
    zh = typeset_pdf(folder / "zh-a5.pdf", chinese, page=(layout[1], layout[2]), size=layout[3], margin=layout[4])
    plain = folder / "zh-a5-plain.pdf"
    typeset_chinese(plain, chinese, layout, indent_only=False)
    english = english_paragraphs()
    typeset_english(folder / "en-gpl3.pdf", english)
    classical = classical_paragraphs()
    typeset_chinese(folder / "classical-a5.pdf", classical, CJK_LAYOUTS[0], indent_only=True)
    return [
        ("zh-a5, larger headings", zh, chinese, "zh"),
        ("zh-a5, same-size headings", plain, chinese, "zh"),
        ("en-gpl3", folder / "en-gpl3.pdf", english, "en"),
        ("classical-a5", folder / "classical-a5.pdf", classical, "classical"),
    ]


def _quality(folder: Path) -> None:
    from aligner.samples import boundary_scores

    print(f"{'case':<26}  {'path':<26}  {'P':>6}  {'R':>6}  {'F1':>6}")
    out = folder / "out.txt"
    for name, pdf, gold, profile in _cases(folder):
        rows = [("pdf (aligner reads it)", _normalized(pdf, out, "--profile", profile))]
        for extractor in ("pdftotext", "pdftotext-layout", "pdfminer"):
            text = folder / f"{pdf.stem}.{extractor}.txt"
            _run(EXTRACTORS[extractor], pdf, text)
            rows.append((f"{extractor}+aligner", _normalized(text, out, "--format", "text", "--profile", profile)))
        raw = (folder / f"{pdf.stem}.pdftotext.txt").read_text(encoding="utf-8")
        rows.append(("pdftotext lines", [line.strip() for line in raw.split("\n") if line.strip()]))
        for path, paragraphs in rows:
            precision, recall, f1 = boundary_scores(paragraphs, gold)
            print(f"{name:<26}  {path:<26}  {precision:>6.3f}  {recall:>6.3f}  {f1:>6.3f}")


def _long_pdf(folder: str, pages: str) -> None:
    """Child process: the web paragraphs typeset again and again until the PDF has ``pages`` pages."""
    from aligner.samples import typeset_pdf, web_paragraphs

    paragraphs: list[str] = []
    pdf = Path(folder) / "long.pdf"
    while True:
        paragraphs += web_paragraphs()
        typeset_pdf(pdf, paragraphs)
        if _pages(pdf) >= int(pages):
            return


def _speed(folder: Path, pages: int, runs: int) -> None:
    # Made in a child process: this one stays small, because each tool's process starts as
    # a copy of it and its peak memory would count what this one holds.
    subprocess.run([PYTHON, __file__, "--long-pdf", str(folder), str(pages)], check=True, capture_output=True)
    pdf = folder / "long.pdf"
    count = _pages(pdf)
    print(f"{count} pages of Chinese (A5, {pdf.stat().st_size / 1e6:.1f} MB); best of {runs} runs, fresh processes")
    print(f"{'tool':<38}  {'seconds':>7}  {'pages/s':>7}  {'peak MB':>7}  {'time/aligner':>12}")
    rows = [("aligner normalize (read+reflow+space)", ALIGNER)]
    rows += [(f"{name} (extract only)", command) for name, command in EXTRACTORS.items()]
    base = None
    for name, template in rows:
        seconds, peak = _best(template, pdf, folder / "speed.txt", runs)
        base = base or seconds
        print(f"{name:<38}  {seconds:>7.2f}  {count / seconds:>7.1f}  {peak:>7.0f}  {seconds / base:>11.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--long-pdf", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting notes, not results
    if args.long_pdf:
        _long_pdf(*args.long_pdf)
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory(prefix="aligner-bench-pdf-") as tmp:
        _speed(Path(tmp), args.pages, args.runs)
        print()
        _quality(Path(tmp))


if __name__ == "__main__":
    main()
