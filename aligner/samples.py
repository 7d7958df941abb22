"""Sample editions made from real text, with the truth known: for tests, benchmarks and trying aligner out.

Everything starts from the bundled seed's web edition (or any paragraphs given):

- :func:`editions`: a long base edition and an edited one (deleted, inserted, split,
  merged, moved paragraphs; changed words, punctuation, widths; optional noise in every
  paragraph), with the true groups;
- :func:`typeset_pdf` and :func:`typeset_english_pdf`: real PDFs (fpdf2, a Debian CJK font),
  with running heads, page numbers, larger headings, indents, hyphenation;
- :func:`html_page` and :func:`write_docx`: the same paragraphs as a web page (with a
  navigation bar and a script that a reader must leave out) and as a Word document;
- :func:`boundary_scores`: how well paragraph ends were found, against the paragraphs
  that were typeset;
- :func:`batch_corpus`: a manifest of many small documents, each edited in one known way,
  with what each summary row must say (the batch tests and benchmark share it).

Typesetting needs ``fpdf2`` (and ``pyphen`` for English) and writing DOCX ``python-docx``:
the test extras have them.
"""

from __future__ import annotations

import html
import itertools
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aligner.model import BlockKind
from aligner.rules.characters import HAN

__all__ = [
    "BATCH_DOCUMENTS",
    "CJK_FONT",
    "Expected",
    "base_paragraphs",
    "batch_corpus",
    "boundary_scores",
    "editions",
    "heading_level",
    "html_page",
    "noisy",
    "typeset_english_pdf",
    "typeset_pdf",
    "web_file",
    "web_paragraphs",
    "write_docx",
]

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian's fonts-wqy-zenhei
INDENT = "\u3000\u3000"
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
# Per base paragraph, the chance of each edit (the rest stay as they are).
RATES = (
    ("delete", 0.01),
    ("insert", 0.01),
    ("split", 0.01),
    ("merge", 0.01),
    ("move", 0.004),
    ("word", 0.03),
    ("punctuation", 0.02),
    ("width", 0.01),
)


def web_paragraphs() -> list[str]:
    """The paragraphs of the bundled web edition (without their U+3000 indent)."""
    from aligner.resources import bundled_corpus

    with bundled_corpus() as folder:
        text = (folder / "web.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


def heading_level(text: str) -> int:
    """The heading level the Chinese profile gives a paragraph (0: not a heading)."""
    from aligner.rules import ZH, classify_paragraph

    kind, level = classify_paragraph(text, ZH)
    return level if kind is BlockKind.HEAD else 0


# --- edited editions with their truth ----------------------------------------------------------


def base_paragraphs(size: int) -> list[str]:
    """The web edition repeated up to ``size`` bytes of UTF-8, later copies numbered as volumes."""
    seed = web_paragraphs()
    paragraphs: list[str] = []
    total, copy = 0, 0
    while total < size:
        for text in seed:
            text = text if copy == 0 else f"{text}（卷{copy}）"
            paragraphs.append(text)
            total += len(text.encode("utf-8")) + len(INDENT.encode("utf-8")) + 1
            if total >= size:
                break
        copy += 1
    return paragraphs


def _pick(rng: random.Random) -> str | None:
    roll = rng.random()
    for name, rate in RATES:
        if roll < rate:
            return name
        roll -= rate
    return None


def _cut(text: str, parts: int) -> list[str]:
    cuts = [len(text) * k // parts for k in range(parts + 1)]
    return [text[cuts[k] : cuts[k + 1]] for k in range(parts)]


def _change(text: str, op: str, rng: random.Random) -> str:
    if op == "word" and len(text) > 8:
        at = rng.randrange(len(text) - 2)
        return text[:at] + "鑫淼" + text[at + 2 :]
    if op == "punctuation" and "，" in text:
        return text.replace("，", "；", 1)
    if op == "width" and any(c.isdigit() for c in text):
        return text.translate(WIDE)
    return text


def noisy(paragraphs: Sequence[str], rate: float, rng: random.Random) -> list[str]:
    """Every paragraph with ``rate`` of its characters replaced by other characters of the text, as OCR would."""
    alphabet = sorted({c for p in paragraphs for c in p if not c.isspace()})
    out = []
    for text in paragraphs:
        chars = list(text)
        for k in range(len(chars)):
            if rng.random() < rate:
                chars[k] = rng.choice(alphabet)
        out.append("".join(chars))
    return out


def editions(base: Sequence[str], seed: int = 1, noise: float = 0.0) -> tuple[list[str], list[dict[str, Any]]]:
    """An edited edition of ``base`` and its true groups: ``{"op", "base": [...], "edited": [...]}``."""
    rng = random.Random(seed)
    edited: list[str] = []
    groups: list[dict[str, Any]] = []
    moved: list[tuple[int, str]] = []
    i = 0
    while i < len(base):
        op, text = _pick(rng), base[i]
        if op == "merge" and i + 1 < len(base):
            members = list(range(i, min(i + rng.choice((2, 3)), len(base))))
            groups.append({"op": op, "base": members, "edited": [len(edited)]})
            edited.append("".join(base[j] for j in members))
            i = members[-1] + 1
            continue
        if op == "delete":
            groups.append({"op": op, "base": [i], "edited": []})
        elif op == "move":
            moved.append((i, text))
        elif op == "split" and len(text) >= 40:
            pieces = _cut(text, rng.choice((2, 3, 4)))
            groups.append({"op": op, "base": [i], "edited": list(range(len(edited), len(edited) + len(pieces)))})
            edited.extend(pieces)
        else:
            if op == "insert":
                groups.append({"op": op, "base": [], "edited": [len(edited)]})
                edited.append(f"本段为第{i}段之前插入的新内容，原版没有。")
            if op in ("word", "punctuation", "width"):
                text = _change(text, op, rng)
            groups.append({"op": op or "same", "base": [i], "edited": [len(edited)]})
            edited.append(text)
        i += 1
    for i, text in moved:  # moved paragraphs reappear far away, at the end of the edition
        groups.append({"op": "move", "base": [i], "edited": [len(edited)]})
        edited.append(text)
    if noise:
        edited = noisy(edited, noise, rng)
    return edited, groups


# --- typeset PDFs ------------------------------------------------------------------------------


def _document(width: float, height: float, margin: float, header: str, family: str, font: Path | None) -> Any:
    """An fpdf2 document with a running header and a page number on every page."""
    from fpdf import FPDF

    class Document(FPDF):
        def header(self) -> None:
            size = self.font_size_pt
            self.set_font(family, size=8)
            self.cell(0, 6, header, align="C")
            self.ln(10)
            self.set_font(family, size=size)

        def footer(self) -> None:
            size = self.font_size_pt
            self.set_y(-14)
            self.set_font(family, size=8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_font(family, size=size)

    pdf = Document(format=(width, height))
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(True, margin=margin)
    if font is not None:
        pdf.add_font(family, fname=str(font))
    return pdf


def typeset_pdf(
    out: Path,
    paragraphs: Sequence[str],
    *,
    page: tuple[float, float] = (148, 210),
    size: float = 11,
    margin: float = 16,
    header: str = "国家人权行动计划（2021－2025年）",
    larger_headings: bool = True,
    indent_only: bool = False,
    heading: Callable[[str], int] = heading_level,
) -> Path:
    """Chinese paragraphs as a PDF: first lines indented with two U+3000, headings flush left
    (in a larger size with ``larger_headings``), or a fixed number of characters a line with
    paragraphs marked only by their indent (``indent_only``, as old block-printed editions).
    ``heading`` gives a paragraph's heading level (0: not a heading)."""
    pdf = _document(page[0], page[1], margin, header, "wqy", CJK_FONT)
    pdf.set_font("wqy", size=size)
    pdf.add_page()
    line = size * 0.55
    if indent_only:
        per_line = int((pdf.w - pdf.l_margin - pdf.r_margin) / pdf.get_string_width("国"))
        for text in paragraphs:
            text = INDENT + text
            for start in range(0, len(text), per_line):
                pdf.cell(0, line, text[start : start + per_line], new_x="LMARGIN", new_y="NEXT")
    else:
        for text in paragraphs:
            level = heading(text)
            if level:
                pdf.set_font("wqy", size=size + (4 if level == 1 else 2) if larger_headings else size)
                pdf.multi_cell(0, line * 1.3 if larger_headings else line, text, wrapmode="CHAR")
                pdf.set_font("wqy", size=size)
            else:
                pdf.multi_cell(0, line, INDENT + text, wrapmode="CHAR")
            pdf.ln(line * 0.4)
    pdf.output(str(out))
    return out


def _hyphenated_lines(paragraph: str, fits: Callable[[str], bool], hyphenate: Callable[[str], list[Any]]) -> list[str]:
    """Greedy lines; a word that does not fit is split at the last hyphenation point that does."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        for head, tail in hyphenate(word):
            if current and fits(f"{current} {head}-"):
                lines.append(f"{current} {head}-")
                current = tail
                break
        else:
            if current:
                lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def typeset_english_pdf(out: Path, paragraphs: Sequence[str], header: str = "GNU GENERAL PUBLIC LICENSE") -> Path:
    """English paragraphs as a PDF, lines broken by hyphenation (pyphen), paragraphs spaced."""
    import pyphen

    dictionary = pyphen.Pyphen(lang="en_US")
    pdf = _document(148, 210, 16, header, "Helvetica", None)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def fits(text: str) -> bool:
        return bool(pdf.get_string_width(text) <= width)

    def hyphenate(word: str) -> list[Any]:
        return [(h, t) for h, t in dictionary.iterate(word) if len(h) >= 2 and len(t) >= 2]  # longest first

    for text in paragraphs:
        latin = text.encode("latin-1", "replace").decode("latin-1")
        for line in _hyphenated_lines(latin, fits, hyphenate):
            pdf.cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    pdf.output(str(out))
    return out


# --- web pages and Word documents ----------------------------------------------------------------


def html_page(paragraphs: Sequence[str], title: str = "国家人权行动计划（2021－2025年）") -> str:
    """The paragraphs as a web page: headings as ``h2``/``h3``, dash items in a list, entities for
    some characters, a navigation bar, a script and a comment that must not be read as text."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>p {{ text-indent: 2em }}</style></head>\n<body>",
        "<nav><a href='/'>首页</a> | <a href='/news'>新闻</a></nav>",
        "<script>document.write('不是正文');</script><!-- 注释：不是正文 -->",
        "<div class='content'>",
    ]
    in_list = False
    for text in paragraphs:
        item = text.startswith("——")
        if item and not in_list:
            parts.append("<ul>")
        if not item and in_list:
            parts.append("</ul>")
        in_list = item
        level = heading_level(text)
        body = e(text).replace("\u3000", "&#12288;").replace("《", "&#12298;")
        if item:
            parts.append(f"<li>{body}</li>")
        elif level:
            parts.append(f"<h{level + 1}>{body}</h{level + 1}>")
        else:
            parts.append(f"<p>\n  &#12288;&#12288;{body}\n</p>")
    if in_list:
        parts.append("</ul>")
    parts.append("</div><footer><script>var tracker = 1;</script></footer></body></html>\n")
    return "\n".join(parts)


def write_docx(out: Path, paragraphs: Sequence[str]) -> Path:
    """The paragraphs as a Word document: headings in Heading styles, dash items in a list style."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        level = heading_level(text)
        if level:
            document.add_heading(text, level=level)
        elif text.startswith("——"):
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.save(str(out))
    return out


# --- scoring paragraph ends ----------------------------------------------------------------------


def _key(text: str) -> str:
    return "".join(text.split()).replace("-", "").replace("\u00ad", "")


def _boundaries(paragraphs: Iterable[str]) -> Counter[tuple[str, str]]:
    """The boundaries between consecutive paragraphs, by the text on either side.

    With whitespace and hyphens left out (the last 8 characters before, the first 12
    after), one misplaced boundary costs one miss, not every boundary after it.
    """
    keys = [k for k in (_key(p) for p in paragraphs) if k]
    stream = "".join(keys)
    found: Counter[tuple[str, str]] = Counter()
    position = 0
    for key in keys[:-1]:
        position += len(key)
        found[stream[max(0, position - 8) : position], stream[position : position + 12]] += 1
    return found


def boundary_scores(found: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the paragraph boundaries of ``found`` against those of ``gold``."""
    got, want = _boundaries(found), _boundaries(gold)
    hits = sum((got & want).values())
    precision = hits / max(sum(got.values()), 1)
    recall = hits / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --- batch corpora ------------------------------------------------------------------------------------

BATCH_DOCUMENTS = 200


@dataclass
class Expected:
    """What the summary row of a generated document must say."""

    status: str = "ok"
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""  # words the error message must contain


def web_file(paragraphs: Sequence[str]) -> bytes:
    """Paragraphs as the web edition sets them: a U+3000 indent, one a line, UTF-8."""
    return "".join(f"{INDENT}{p}\n" for p in paragraphs).encode("utf-8")


def _ok(n: int, *, equal: int, variant: int = 0, gap: int = 0, substantive: int = 0) -> Expected:
    return Expected(counts={"units": n, "equal": equal, "variant": variant, "gap": gap, "substantive": substantive})


def _pick_apart(rng: random.Random, paragraphs: list[str], k: int, min_len: int) -> list[int]:
    """``k`` indices of paragraphs at least ``min_len`` long, no two adjacent (edits stay apart)."""
    candidates = [i for i, p in enumerate(paragraphs) if len(p) >= min_len]
    rng.shuffle(candidates)
    chosen: list[int] = []
    for i in candidates:
        if all(abs(i - j) > 1 for j in chosen):
            chosen.append(i)
        if len(chosen) == k:
            break
    return sorted(chosen)


def _same(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    return {"edit": list(base)}, _ok(len(base), equal=len(base))


def _deleted(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    gone = set(_pick_apart(rng, base, rng.randint(1, 3), 10))
    edit = [p for i, p in enumerate(base) if i not in gone]
    return {"edit": edit}, _ok(len(base), equal=len(base) - len(gone), gap=len(gone))


def _changed(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    """One Han character replaced by another in 1-3 long paragraphs: one substantive variant each."""
    edit = list(base)
    chosen = _pick_apart(rng, base, rng.randint(1, 3), 30)
    for i in chosen:
        text = edit[i]
        spots = [j for j in range(5, len(text) - 5) if HAN.match(text[j])]
        j = rng.choice(spots)
        edit[i] = text[:j] + ("甲" if text[j] != "甲" else "乙") + text[j + 1 :]
    n = len(base)
    return {"edit": edit}, _ok(n, equal=n - len(chosen), variant=len(chosen), substantive=len(chosen))


def _split(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    """One paragraph broken in two at a comma: a 1:2 unit, different only in paragraphing."""
    edit = list(base)
    (i,) = _pick_apart(rng, [p if "，" in p[5:-5] else "" for p in base], 1, 30)
    cut = edit[i].index("，", 5) + 1
    edit[i : i + 1] = [edit[i][:cut], edit[i][cut:]]
    return {"edit": edit}, _ok(len(base), equal=len(base) - 1, variant=1)


def _spaced(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    """Stray spaces between Han characters, as PDF extraction leaves them: normalized away."""

    def space(text: str) -> str:
        out = [text[0]]
        for prev, char in itertools.pairwise(text):
            both_han = HAN.match(prev) is not None and HAN.match(char) is not None
            out.append((" " if both_han and rng.random() < 0.1 else "") + char)
        return "".join(out)

    return {"edit": [space(p) for p in base]}, _ok(len(base), equal=len(base))


def _subset(rng: random.Random, base: list[str]) -> tuple[dict[str, list[str]], Expected]:
    """A third witness with only the first paragraphs (a truncated edition)."""
    keep = rng.randint(3, len(base) - 3)
    n = len(base)
    return {"edit": list(base), "part": base[:keep]}, _ok(n, equal=keep, gap=n - keep)


EDITS: list[Callable[[random.Random, list[str]], tuple[dict[str, list[str]], Expected]]] = [
    _same,
    _deleted,
    _changed,
    _split,
    _spaced,
    _subset,
]


def _entry(root: Path, doc_id: str, siglum: str, data: bytes | None, **extra: str) -> dict[str, str]:
    path = root / doc_id / f"{siglum}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        path.write_bytes(data)
    return {"siglum": siglum, "path": f"{doc_id}/{siglum}.txt", "kind": "web", **extra}


def _broken(root: Path, good: bytes) -> list[tuple[dict[str, Any], Expected]]:
    """Documents whose second witness cannot be used; the row must name the file and the problem."""
    cases: list[tuple[str, bytes | None, dict[str, str], str]] = [
        ("broken-undecodable", good[:30] + b"\xff\xfe\xfd" + good[30:], {}, "undecodable bytes"),
        ("broken-binary", b"\x00\x01\x02\x03binary\x00", {}, "binary data"),
        ("broken-empty", b"", {}, "is empty"),
        ("broken-missing", None, {}, "no such file"),
        ("broken-changed", good, {"sha256": "0" * 64}, "SHA-256 is"),
    ]
    documents = []
    for doc_id, data, extra, words in cases:
        witnesses = [_entry(root, doc_id, "web", good), _entry(root, doc_id, "edit", data, **extra)]
        expected = Expected(status="error", error=f"{doc_id}/edit.txt: {words}")
        documents.append(({"id": doc_id, "witnesses": witnesses}, expected))
    return documents


def batch_corpus(root: Path, count: int = BATCH_DOCUMENTS, seed: int = 6) -> tuple[Path, dict[str, Expected]]:
    """A batch manifest under ``root``: ``count`` documents of 10-30 web paragraphs, each with a second
    (sometimes a third) witness edited in one known way, plus five documents with a broken witness.

    Returns the manifest and, by document id, what its summary row must say.
    """
    rng = random.Random(seed)
    gold = web_paragraphs()
    documents: list[dict[str, Any]] = []
    expected: dict[str, Expected] = {}
    for number in range(count):
        n = rng.randint(10, 30)
        start = rng.randrange(len(gold) - n)
        base = gold[start : start + n]
        edit = EDITS[number % len(EDITS)]
        others, expected_row = edit(rng, base)
        doc_id = f"doc{number:04d}-{edit.__name__.strip('_')}"
        witnesses = [_entry(root, doc_id, "web", web_file(base))]
        witnesses += [_entry(root, doc_id, siglum, web_file(paras)) for siglum, paras in others.items()]
        documents.append({"id": doc_id, "title": f"第{number}号", "base": "web", "witnesses": witnesses})
        expected[doc_id] = expected_row
    for document, expected_row in _broken(root, web_file(gold[:12])):
        documents.insert(rng.randrange(len(documents)), document)
        expected[document["id"]] = expected_row
    manifest = root / "manifest.json"
    manifest.write_text(json.dumps({"documents": documents}, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest, expected
