"""The alignment as one TEI P5 document: parallel segmentation, structured like the base witness.

The body follows the base witness: headings open nested ``div``s with a ``head``, list
items gather in a ``list``, everything else is a ``p``. Each block carries its unit
(``@n``) and verification category (``@ana``). Differences are ``app``s with one ``rdg``
per distinct reading:

- inside a block where every witness has one paragraph: one ``app`` per variant, typed
  whitespace/punctuation/width/substantive, the shared text between them;
- a paragraph some witness lacks: an ``app`` over the whole paragraph with an empty
  ``rdg`` for the witnesses without it;
- splits, merges and paragraphs only other witnesses have: a block-level ``app`` whose
  ``rdg``s hold each witness's ``p``s;
- a moved paragraph stands, for its own witness, where that witness has it, and the two
  places point at each other with ``@corresp``.

So every witness's paragraphs, in its own order, are the text outside ``app`` plus the
``rdg``s that name it (:func:`aligner.tei.read_witness`); the exporter checks that this
holds before it writes. Characters XML 1.0 forbids (``\\x0b`` and friends from PDF
extractors) become ``<g ref="#aligner.U000B"/>``, declared in ``charDecl``, and come
back when read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from aligner.model import Alignment, BlockKind, Unit, UnitStatus, Variant, VariantType
from aligner.tei.names import BLOCK_TAG, ID_PREFIX, NOT_XML, TEI_NS, XML_ID, char_id, tei

__all__ = ["build", "render"]

CATEGORIES = {
    UnitStatus.EQUAL: "all witnesses read the same text",
    UnitStatus.VARIANT: "all witnesses have the passage, with different readings",
    UnitStatus.GAP: "some witness lacks the passage",
}
VARIANT_TYPES = frozenset(t.value for t in VariantType)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(
        parent, tei(tag), {k.replace("_", ":") if k != "xml_id" else XML_ID: v for k, v in attributes.items()}
    )
    if text is not None:
        _append_text(element, text)
    return element


def _append_text(element: etree._Element, text: str) -> None:
    """Add ``text`` at the end of ``element``, forbidden characters as ``g`` elements."""
    pos = 0
    for match in NOT_XML.finditer(text):
        _append_plain(element, text[pos : match.start()])
        etree.SubElement(element, tei("g"), ref=f"#{char_id(match.group())}")
        pos = match.end()
    _append_plain(element, text[pos:])


def _append_plain(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


# --- readings --------------------------------------------------------------------------------------


def _grouped(readings: dict[str, str], sigla: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Distinct readings in the order of the first witness that has each, with their witnesses."""
    groups: dict[str, list[str]] = {}
    for siglum in sigla:
        if siglum in readings:
            groups.setdefault(readings[siglum], []).append(siglum)
    return list(groups.items())


def _app(parent: etree._Element, n: str, kind: str, readings: dict[str, str], sigla: Sequence[str]) -> etree._Element:
    """An inline ``app``: one ``rdg`` per distinct reading (an empty one for witnesses without it)."""
    app = _sub(parent, "app", n=n, type=kind)
    for number, (text, wits) in enumerate(_grouped(readings, sigla), 1):
        # Readings after the first carry the variant type too: collation tools such as
        # teiphy collapse readings by type (-t whitespace -t punctuation -t width).
        typed = {"type": kind} if number > 1 and kind in VARIANT_TYPES else {}
        _sub(app, "rdg", text, wit=" ".join(f"#{s}" for s in wits), n=str(number), **typed)
    return app


def _inline_parts(texts: dict[str, str], variants: Sequence[Variant], base: str) -> list[str | Variant] | None:
    """Base text cut into shared segments and variants, or None if a witness's text between
    the variants is not the base's (then only a whole-paragraph reading is lossless)."""
    ordered = sorted(variants, key=lambda v: v.offsets[base])
    parts: list[str | Variant] = []
    cursor = {s: 0 for s in texts}
    for variant in ordered:
        shared = {s: texts[s][cursor[s] : variant.offsets[s][0]] for s in texts}
        if len(set(shared.values())) != 1:
            return None
        parts += [shared[base], variant]
        cursor = {s: variant.offsets[s][1] for s in texts}
    tails = {texts[s][cursor[s] :] for s in texts}
    if len(tails) != 1:
        return None
    return [*parts, tails.pop()]


# --- the body --------------------------------------------------------------------------------------


@dataclass
class _Body:
    """Where the next block goes: the div stack by heading level, and an open list."""

    alignment: Alignment
    root: etree._Element
    divs: list[tuple[int, etree._Element]]
    open_list: etree._Element | None = None

    @property
    def container(self) -> etree._Element:
        return self.divs[-1][1] if self.divs else self.root

    def place(self, kind: BlockKind, level: int) -> etree._Element:
        """The parent for a block of ``kind``, opening a div for a heading and a list for an item."""
        if kind is BlockKind.HEAD:
            while self.divs and self.divs[-1][0] >= level:
                self.divs.pop()
            self.divs.append((level, _sub(self.container, "div", type=f"level{level}")))
            self.open_list = None
            return self.divs[-1][1]
        if kind is BlockKind.ITEM:
            if self.open_list is None:
                self.open_list = _sub(self.container, "list")
            return self.open_list
        self.open_list = None
        return self.container

    def loose(self) -> etree._Element:
        """The parent for a block-level ``app`` or a ``pb``: the open list if any, else the container."""
        return self.open_list if self.open_list is not None else self.container


def _ana(unit: Unit) -> str:
    return f"#{ID_PREFIX}{unit.status.value}"


def _block(body: _Body, unit: Unit, breaks: list[Break]) -> None:
    alignment = body.alignment
    base = alignment.base
    sigla = alignment.sigla
    counts = {s: len(unit.paragraphs[s]) for s in sigla}
    base_paragraph = alignment.witness(base).paragraphs[unit.paragraphs[base][0]] if counts[base] else None
    texts = {s: alignment.unit_text(unit, s) for s in sigla if counts[s] and s not in unit.moved}
    inline = base_paragraph is not None and all(n <= 1 for n in counts.values())
    parts = _inline_parts(texts, unit.variants, base) if inline and len(texts) == len(sigla) else None
    if base_paragraph is not None and (inline or base_paragraph.kind is BlockKind.HEAD):
        parent = body.place(base_paragraph.kind, base_paragraph.level)  # the base's heading opens its div
    else:
        parent = body.loose()
    inside = [b for b in breaks if b[2] > 0] if parts is not None else []
    for siglum, n, offset in breaks:
        if (siglum, n, offset) not in inside:
            _pb(body.loose() if not inline else parent, siglum, n)
    if not inline:
        app = _block_app(body.loose(), unit.id, "paragraphs", _paragraph_readings(alignment, unit, texts), sigla)
        app.set("ana", _ana(unit))
        _link_moved(app, unit)
        return
    assert base_paragraph is not None
    element = _sub(parent, BLOCK_TAG[base_paragraph.kind], n=unit.id, ana=_ana(unit))
    if parts is None:  # a witness lacks it, or has moved it: the whole paragraph is the reading
        readings = {s: texts.get(s, "") for s in sigla}
        kind = "moved" if unit.moved else "gap" if len(texts) < len(sigla) else "paragraph"
        _link_moved(_app(element, f"{unit.id}.1", kind, readings, sigla), unit)
        return
    cursor = dict.fromkeys(texts, 0)
    number = 0
    for part in parts:
        if isinstance(part, str):  # the same text in every witness: breaks fall at their offset
            here = [(o - cursor[s], s, n) for s, n, o in inside if cursor[s] <= o < cursor[s] + len(part)]
            _text_with_breaks(element, part, here)
            cursor = {s: c + len(part) for s, c in cursor.items()}
        else:
            number += 1
            _app(element, f"{unit.id}.{number}", part.type.value, dict(part.readings), sigla)
            cursor = {s: part.offsets[s][1] for s in cursor}


def _paragraph_readings(alignment: Alignment, unit: Unit, texts: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {s: tuple(texts[s].split("\n")) if s in texts else () for s in alignment.sigla}


def _block_app(
    parent: etree._Element, n: str, kind: str, readings: dict[str, tuple[str, ...]], sigla: Sequence[str]
) -> etree._Element:
    """A block-level ``app``: each distinct sequence of paragraphs is one ``rdg`` of ``p``s."""
    app = _sub(parent, "app", n=n, type=kind)
    groups: dict[tuple[str, ...], list[str]] = {}
    for siglum in sigla:
        groups.setdefault(readings[siglum], []).append(siglum)
    for number, (paragraphs, wits) in enumerate(groups.items(), 1):
        rdg = _sub(app, "rdg", wit=" ".join(f"#{s}" for s in wits), n=str(number))
        for text in paragraphs:
            _sub(rdg, "p", text)
    return app


# --- moved paragraphs ------------------------------------------------------------------------------


def _moved_id(unit_id: str, siglum: str) -> str:
    return f"{ID_PREFIX}{unit_id}.{siglum}"


def _link_moved(app: etree._Element, unit: Unit) -> None:
    if unit.moved:
        app.set(XML_ID, f"{ID_PREFIX}{unit.id}")
        app.set("corresp", " ".join(f"#{_moved_id(unit.id, s)}" for s in unit.moved))


def _emit_moved(body: _Body, units: dict[str, Unit], after: list[tuple[str, str]]) -> None:
    alignment = body.alignment
    for unit_id, siglum in after:
        unit = units[unit_id]
        readings: dict[str, tuple[str, ...]] = {s: () for s in alignment.sigla}
        readings[siglum] = tuple(alignment.unit_text(unit, siglum).split("\n"))
        app = _block_app(body.loose(), f"{unit_id}.{siglum}", "moved", readings, alignment.sigla)
        app.set(XML_ID, _moved_id(unit_id, siglum))
        app.set("corresp", f"#{ID_PREFIX}{unit_id}")


# --- page breaks -----------------------------------------------------------------------------------


Break = tuple[str, str, int]  # witness, page number ("" when not printed), offset in its unit text


def _page_breaks(alignment: Alignment) -> dict[str, list[Break]]:
    """Page breaks by unit, each at its offset into that witness's unit text."""
    found: dict[str, list[Break]] = {}
    for witness in alignment.witnesses:
        if not witness.page_breaks:
            continue
        paragraphs = witness.paragraphs
        unit_of = {i: u for u in alignment.units for i in u.paragraphs[witness.siglum]}
        starts = [p.start for p in paragraphs]
        for page in witness.page_breaks:
            index = max(bisect_right(starts, page.offset) - 1, 0)
            if index not in unit_of:
                continue
            unit = unit_of[index]
            first = paragraphs[unit.paragraphs[witness.siglum][0]].start
            found.setdefault(unit.id, []).append((witness.siglum, page.n, page.offset - first))
    return found


def _pb(parent: etree._Element, siglum: str, n: str) -> None:
    attributes = {"edRef": f"#{siglum}", **({"n": n} if n else {})}
    etree.SubElement(parent, tei("pb"), attributes)


def _text_with_breaks(element: etree._Element, text: str, breaks: list[tuple[int, str, str]]) -> None:
    """Append ``text`` with a ``pb`` at each (offset into text, witness, n), in order."""
    pos = 0
    for offset, siglum, n in sorted(breaks):
        _append_text(element, text[pos:offset])
        _pb(element, siglum, n)
        pos = offset
    _append_text(element, text[pos:])


# --- the document ----------------------------------------------------------------------------------


def _header(root: etree._Element, alignment: Alignment, forbidden: Iterable[str]) -> None:
    from aligner import __version__

    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title = alignment.title or alignment.witness(alignment.base).witness.path.rsplit("/", 1)[-1]
    _sub(_sub(file_desc, "titleStmt"), "title", title)
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "p", f"Aligned and encoded by aligner {__version__}; base witness: {alignment.base}.")
    list_wit = _sub(_sub(file_desc, "sourceDesc"), "listWit")
    for nw in alignment.witnesses:
        source = nw.witness
        witness = _sub(list_wit, "witness", xml_id=source.siglum, n=source.siglum)
        _sub(witness, "idno", source.path, type="path")
        _sub(witness, "idno", source.sha256, type="sha256")
        if source.kind:
            _sub(witness, "idno", source.kind, type="kind")
    encoding = _sub(header, "encodingDesc")
    application = _sub(_sub(encoding, "appInfo"), "application", ident="aligner", version=__version__)
    _sub(application, "label", "aligner")
    taxonomy = _sub(_sub(encoding, "classDecl"), "taxonomy", xml_id=f"{ID_PREFIX}verification")
    for status, description in CATEGORIES.items():
        category = _sub(taxonomy, "category", xml_id=f"{ID_PREFIX}{status.value}")
        _sub(category, "catDesc", f"{status.value}: {description}")
    chars = sorted(set(forbidden))
    if chars:
        decl = _sub(encoding, "charDecl")
        for char in chars:
            entry = _sub(decl, "char", xml_id=char_id(char))
            _sub(entry, "desc", f"U+{ord(char):04X}, a character XML 1.0 does not allow, from a witness")
    _sub(encoding, "variantEncoding", method="parallel-segmentation", location="internal")


def _forbidden(alignment: Alignment) -> set[str]:
    return {m.group() for w in alignment.witnesses for m in NOT_XML.finditer(w.text)}


def build(alignment: Alignment) -> etree._Element:
    """The TEI document as an lxml tree."""
    clash = [s for s in alignment.sigla if s.startswith(ID_PREFIX)]
    if clash:
        from aligner.errors import UsageError

        raise UsageError(f"siglum {clash[0]!r}: ids starting with {ID_PREFIX!r} are aligner's own in TEI")
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})  # type: ignore[dict-item]  # the default namespace
    _header(root, alignment, _forbidden(alignment))
    body = _Body(alignment, _sub(_sub(root, "text"), "body"), [])
    moved = alignment.moved_places()
    pages = _page_breaks(alignment)
    units = {u.id: u for u in alignment.units}
    _emit_moved(body, units, moved.get("", []))
    for unit in alignment.units:
        _block(body, unit, pages.get(unit.id, []))
        _emit_moved(body, units, moved.get(unit.id, []))
    return root


def _indent(root: etree._Element) -> None:
    """Indent the structure but never inside a block: its text is the witness's, to the character.

    Paragraph text never holds a newline, so any newline inside a block came from the
    indenter and goes again.
    """
    etree.indent(root, space=" ")
    for block in root.iter(*(tei(t) for t in (*BLOCK_TAG.values(), "title", "catDesc", "desc", "idno"))):
        if block.text and "\n" in block.text:
            block.text = None
        for inner in block.iterdescendants():
            if inner.text and "\n" in inner.text:
                inner.text = None
            if inner.tail and "\n" in inner.tail:
                inner.tail = None


def render(alignment: Alignment) -> bytes:
    """UTF-8 TEI with an XML declaration; checked to rebuild every witness before it is returned."""
    from aligner.tei.read import read_witness

    root = build(alignment)
    _indent(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for nw in alignment.witnesses:
        if read_witness(data, nw.siglum) != [p.text for p in nw.paragraphs]:
            raise AssertionError(f"TEI export would not rebuild witness {nw.siglum}: please report this bug")
    return data
