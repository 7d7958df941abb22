"""Web pages: the text of their blocks, one paragraph each, every character traced to line:column.

The standard library's HTML parser reports where each piece of text, tag and character
reference starts, which is what lets a variant point into the HTML file itself.
Block elements (``p``, ``h1``–``h6``, ``li``, ``td``, a ``div`` with text of its own …)
end a paragraph; two ``br`` in a row do too, one ``br`` is a space. Headings keep their
level, list items their kind. Scripts, styles, navigation, forms, the head and comments
are left out; entities are decoded (``&#12288;`` is U+3000), each mapped to the whole
reference it came from.

>>> witness = read(b"<nav>menu</nav><h2>Title</h2><p>A&amp;B <b>bold</b></p>", "page.html", "web", "utf-8")
>>> witness.text.split("\\n"), [b.kind.value for b in witness.blocks or ()]
(['Title', 'A&B bold'], ['head', 'p'])
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from aligner.model import Block, BlockKind, Witness
from aligner.text import LineIndex, OffsetMap

__all__ = ["read"]

BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "header", "hgroup", "hr", "li", "main", "ol", "p"),
        *("pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    }
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "nav", "head", "form", "button", "select", "textarea", "svg", "math"}
)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "wbr"})
WHITESPACE = re.compile(r"[\t\n\r\f\v ]")

Piece = tuple[str, int, int, bool]


class _Blocks(HTMLParser):
    """Collects the page's paragraphs as pieces of text with their source offsets."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = LineIndex(source)
        self.source = source
        self.paragraphs: list[tuple[Block, list[Piece]]] = []
        self.current: list[Piece] = []
        self.kind = Block(BlockKind.P)
        self.skipping: list[str] = []
        self.breaks = 0  # <br> seen in a row

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines.line_start(line) + column

    def _flush(self) -> None:
        if any(text.strip() for text, *_ in self.current):
            self.paragraphs.append((self.kind, self.current))
        self.current = []
        self.kind = Block(BlockKind.P)
        self.breaks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in SKIPPED and tag not in VOID:
            self.skipping.append(tag)
            return
        if tag == "br":
            self.breaks += 1
            if self.breaks >= 2:
                self._flush()
            else:
                at = self._offset()
                self.current.append((" ", at, at + len(self.get_starttag_text() or ""), False))
            return
        if tag in BLOCKS or tag in HEADINGS:
            self._flush()
            if tag in HEADINGS:
                self.kind = Block(BlockKind.HEAD, HEADINGS[tag])
            elif tag in ("li", "dt", "dd"):
                self.kind = Block(BlockKind.ITEM)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in BLOCKS or tag in HEADINGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        if data.strip():
            self.breaks = 0
        # A line break inside a paragraph is a space in HTML; one character for one, so it maps exactly.
        self.current.append((WHITESPACE.sub(" ", data), self._offset(), self._offset() + len(data), True))

    def _reference(self, text: str, raw: str) -> None:
        if self.skipping:
            return
        self.breaks = 0
        at = self._offset()
        end = self.source.find(";", at, at + len(raw) + 1)
        end = end + 1 if end >= 0 else at + len(raw)
        self.current.append((WHITESPACE.sub(" ", text), at, end, False))

    def handle_entityref(self, name: str) -> None:
        self._reference(html.unescape(f"&{name};"), f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._reference(html.unescape(f"&#{name};"), f"&#{name}")

    def close(self) -> None:
        super().close()
        self._flush()


def read(data: bytes, path: str, siglum: str, encoding: str | None) -> Witness:
    """An HTML page as a witness: its blocks as paragraphs, mapped back into the page's source."""

    from aligner.readers.text import decode

    source, used = decode(data, path, encoding or _declared(data))
    parser = _Blocks(source)
    parser.feed(source)
    parser.close()
    pieces: list[Piece] = []
    blocks: list[Block] = []
    for kind, paragraph in parser.paragraphs:
        if blocks:
            previous_end = pieces[-1][2]
            pieces.append(("\n", previous_end, paragraph[0][1], False))
        pieces += paragraph
        blocks.append(kind)
    text, extraction = OffsetMap.from_pieces(pieces, len(source))
    return Witness.of_file(
        data, path, siglum, source, encoding=used, format="html", text=text, extraction=extraction, blocks=tuple(blocks)
    )


CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared(data: bytes) -> str | None:
    """The charset a page declares in a ``meta`` element, when it declares one Python knows."""
    import codecs

    match = CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name
