"""The alignment as one TEI P5 document: parallel segmentation, structured like the base witness.

The body follows the base witness: headings open nested ``div``s with a ``head``, list
items gather in a ``list``, everything else is a ``p``. Each block carries its unit
(``@n``) and verification category (``@ana``). Differences are ``app``s with one ``rdg``
per distinct reading:

- inside a block where every witness has one paragraph: one ``app`` per variant, typed
  whitespace/punctuation/width/orthographic/substantive, the shared text between them;
- splits, merges and re-divided paragraphs: a block-level ``app`` whose ``rdg``s hold
  each witness's ``p``s;
- paragraphs some witnesses lack (or have moved elsewhere): a run of such units is one
  block-level ``app`` of type ``gap``; the ``rdg`` of the witnesses that have them holds
  their blocks with their own structure (``div``/``head``, ``list``/``item``, ``p``),
  and the ``rdg`` of those that lack them is empty, or holds ``witEnd`` where a witness
  stops for good (a truncated edition) and ``witStart`` where it has not yet begun, as
  TEI's parallel segmentation marks fragmentary witnesses;
- a moved paragraph stands, for its own witness, where that witness has it, and the two
  places point at each other with ``@corresp``.

So no witness has an empty block anywhere: every witness's paragraphs, in its own order,
are the blocks outside ``rdg``s plus those inside the ``rdg``s that name it, which any
reader of parallel segmentation rebuilds (:func:`aligner.tei.witness_paragraphs` is one); the
exporter checks that this holds before it writes. The base witness is marked
``ana="#aligner.base"`` in the ``listWit``, and each witness's normalization profile is
recorded, so :func:`aligner.tei.read.load` can rebuild the alignment. Characters XML
1.0 forbids (``\\x0b`` and friends from PDF extractors) become ``<g ref="#aligner.U000B"/>``,
declared in ``charDecl``, and come back when read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from aligner.model import Alignment, BlockKind, Paragraph, Unit, UnitStatus, Variant, VariantType
from aligner.rules.characters import NOT_XML
from aligner.tei.names import BLOCK_TAG, ID_PREFIX, TEI_NS, XML_ID, char_id, tei

__all__ = ["build", "render"]

CATEGORIES = {
    UnitStatus.EQUAL: "all witnesses read the same text",
    UnitStatus.VARIANT: "all witnesses have the passage, with different readings",
    UnitStatus.GAP: "some witness lacks the passage",
}
VARIANT_TYPES = frozenset(t.value for t in VariantType)
BASE_ROLE = f"#{ID_PREFIX}base"


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
    pending: int = 0  # a heading level that a run of gap units opened: the next block continues there

    @property
    def container(self) -> etree._Element:
        return self.divs[-1][1] if self.divs else self.root

    def _open(self, level: int) -> etree._Element:
        while self.divs and self.divs[-1][0] >= level:
            self.divs.pop()
        self.divs.append((level, _sub(self.container, "div", type=f"level{level}")))
        self.open_list = None
        self.pending = 0
        return self.divs[-1][1]

    def place(self, kind: BlockKind, level: int) -> etree._Element:
        """The parent for a block of ``kind``, opening a div for a heading and a list for an item."""
        if kind is BlockKind.HEAD:
            return self._open(level)
        if self.pending:
            self._open(self.pending)
        if kind is BlockKind.ITEM:
            if self.open_list is None:
                self.open_list = _sub(self.container, "list")
            return self.open_list
        self.open_list = None
        return self.container

    def continue_after(self, heads: Sequence[Paragraph]) -> None:
        """The base's blocks after an app that held its headings belong under the last of them."""
        if heads:
            self.pending = heads[-1].level
            self.open_list = None

    def loose(self) -> etree._Element:
        """The parent for a block-level ``app`` or a ``pb``: the open list if any, else the container."""
        if self.pending:
            self._open(self.pending)
        return self.open_list if self.open_list is not None else self.container


def _ana(unit: Unit) -> str:
    return f"#{ID_PREFIX}{unit.status.value}"


def _absent(alignment: Alignment, unit: Unit) -> tuple[str, ...]:
    """The witnesses that have no paragraph at this unit's place (none here, or moved elsewhere)."""
    return tuple(s for s in alignment.sigla if not unit.paragraphs[s] or s in unit.moved)


def _whole(body: _Body, unit: Unit, pages: dict[str, list[Break]]) -> None:
    """A unit every witness has here: inline readings, or a block-level app of re-divided paragraphs."""
    alignment = body.alignment
    base = alignment.base
    sigla = alignment.sigla
    if not all(len(unit.paragraphs[s]) == 1 for s in sigla):
        app = _sub(body.loose(), "app", n=unit.id, type="paragraphs", ana=_ana(unit))
        _readings(app, alignment, [s for s in sigla], [unit], pages)
        body.continue_after(_base_heads(alignment, [unit]))
        return
    base_paragraph = alignment.witness(base).paragraphs[unit.paragraphs[base][0]]
    texts = {s: alignment.unit_text(unit, s) for s in sigla}
    parts = _inline_parts(texts, unit.variants, base)
    parent = body.place(base_paragraph.kind, base_paragraph.level)  # the base's heading opens its div
    breaks = pages.get(unit.id, [])
    inside = [b for b in breaks if b[2] > 0] if parts is not None else []
    for siglum, n, offset in breaks:
        if (siglum, n, offset) not in inside:
            _pb(parent, siglum, n)
    element = _sub(parent, BLOCK_TAG[base_paragraph.kind], n=unit.id, ana=_ana(unit))
    if parts is None:  # the texts between variants differ: the whole paragraph is the reading
        _app(element, f"{unit.id}.1", "paragraph", texts, sigla)
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


@dataclass(frozen=True)
class _Span:
    """Where each witness's paragraphs begin and end, in unit order: what tells witStart from witEnd."""

    first: dict[str, int]
    last: dict[str, int]

    @classmethod
    def of(cls, alignment: Alignment) -> _Span:
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for n, unit in enumerate(alignment.units):
            for siglum in alignment.sigla:
                if unit.paragraphs[siglum] and siglum not in unit.moved:
                    first.setdefault(siglum, n)
                    last[siglum] = n
        return cls(first, last)

    def marker(self, siglum: str, start: int, end: int) -> str:
        """``witEnd`` if the witness has stopped before unit ``start``, ``witStart`` if it begins after ``end``."""
        if siglum in self.last and self.last[siglum] < start:
            return "witEnd"
        if siglum in self.first and self.first[siglum] > end:
            return "witStart"
        return ""


def _run(body: _Body, run: Sequence[Unit], pages: dict[str, list[Break]], span: _Span, at: int) -> None:
    """A run of units that the same witnesses lack here: one block-level app, structured readings."""
    alignment = body.alignment
    first = run[0]
    absent = _absent(alignment, first)
    app = _sub(body.loose(), "app", n=first.id, type="moved" if first.moved else "gap", ana=_ana(first))
    _link_moved(app, first)
    markers: dict[str, list[str]] = {}
    for siglum in absent:
        markers.setdefault(span.marker(siglum, at, at + len(run) - 1), []).append(siglum)
    _readings(app, alignment, [s for s in alignment.sigla if s not in absent], run, pages, markers)
    body.continue_after(_base_heads(alignment, run))


def _readings(
    app: etree._Element,
    alignment: Alignment,
    present: Sequence[str],
    units: Sequence[Unit],
    pages: dict[str, list[Break]],
    markers: dict[str, list[str]] | None = None,
) -> None:
    """One ``rdg`` per distinct reading of ``units`` among the ``present`` witnesses, then one per
    kind of absence (``markers``: ``witStart``, ``witEnd`` or ``""`` -> the witnesses absent so)."""
    readings: dict[bytes, tuple[etree._Element, list[str]]] = {}
    for siglum in present:
        reading = _structured(alignment, siglum, units, pages)
        readings.setdefault(etree.tostring(reading), (reading, []))[1].append(siglum)
    number = 0
    for reading, wits in readings.values():
        number += 1
        reading.set("wit", " ".join(f"#{s}" for s in wits))
        reading.set("n", str(number))
        app.append(reading)
    for marker, wits in (markers or {}).items():
        number += 1
        rdg = _sub(app, "rdg", wit=" ".join(f"#{s}" for s in wits), n=str(number))
        if marker:
            _sub(rdg, marker)


def _base_heads(alignment: Alignment, run: Sequence[Unit]) -> list[Paragraph]:
    witness = alignment.witness(alignment.base)
    heads = [witness.paragraphs[i] for u in run if alignment.base not in u.moved for i in u.paragraphs[alignment.base]]
    return [p for p in heads if p.kind is BlockKind.HEAD]


def _structured(
    alignment: Alignment, siglum: str, run: Sequence[Unit], pages: dict[str, list[Break]]
) -> etree._Element:
    """One witness's paragraphs in a run, as an ``rdg`` with that witness's own structure."""
    rdg = etree.Element(tei("rdg"))
    local = _Body(alignment, rdg, [])
    witness = alignment.witness(siglum)
    for unit in run:
        start = 0
        breaks = [(o, n) for s, n, o in pages.get(unit.id, []) if s == siglum]
        for index in unit.paragraphs[siglum]:
            paragraph = witness.paragraphs[index]
            parent = local.place(paragraph.kind, paragraph.level)
            element = _sub(parent, BLOCK_TAG[paragraph.kind], n=unit.id, ana=_ana(unit))
            here = [(o - start, siglum, n) for o, n in breaks if start <= o <= start + len(paragraph.text)]
            _text_with_breaks(element, paragraph.text, here)
            start += len(paragraph.text) + 1
    return rdg


# --- moved paragraphs ------------------------------------------------------------------------------


def _moved_id(unit_id: str, siglum: str) -> str:
    return f"{ID_PREFIX}{unit_id}.{siglum}"


def _link_moved(app: etree._Element, unit: Unit) -> None:
    if unit.moved:
        app.set(XML_ID, f"{ID_PREFIX}{unit.id}")
        app.set("corresp", " ".join(f"#{_moved_id(unit.id, s)}" for s in unit.moved))


def _emit_moved(
    body: _Body, units: dict[str, Unit], after: list[tuple[str, str]], pages: dict[str, list[Break]]
) -> None:
    """Moved paragraphs where their own witness has them: an app with only that witness's reading."""
    alignment = body.alignment
    for unit_id, siglum in after:
        unit = units[unit_id]
        app = _sub(body.loose(), "app", n=f"{unit_id}.{siglum}", type="moved")
        app.set(XML_ID, _moved_id(unit_id, siglum))
        app.set("corresp", f"#{ID_PREFIX}{unit_id}")
        others = [s for s in alignment.sigla if s != siglum]
        _readings(app, alignment, [siglum], [unit], pages, {"": others})


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
    if alignment.title:
        _sub(_sub(file_desc, "titleStmt"), "title", alignment.title)
    else:  # TEI wants a title: the base file's name stands in, marked as such
        base_file = alignment.witness(alignment.base).witness.path.rsplit("/", 1)[-1]
        _sub(_sub(file_desc, "titleStmt"), "title", base_file, type="file")
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "p", f"Aligned and encoded by aligner {__version__}; base witness: {alignment.base}.")
    list_wit = _sub(_sub(file_desc, "sourceDesc"), "listWit")
    for nw in alignment.witnesses:
        source = nw.witness
        role = {"ana": BASE_ROLE} if nw.siglum == alignment.base else {}
        witness = _sub(list_wit, "witness", xml_id=source.siglum, n=source.siglum, **role)
        _sub(witness, "idno", source.path, type="path")
        _sub(witness, "idno", source.sha256, type="sha256")
        if source.kind:
            _sub(witness, "idno", source.kind, type="kind")
        if nw.profile:
            _sub(witness, "idno", nw.profile, type="profile")
        _sub(witness, "idno", str(source.size), type="size")
        _sub(witness, "idno", source.format, type="format")
        if source.encoding:
            _sub(witness, "idno", source.encoding, type="encoding")
    encoding = _sub(header, "encodingDesc")
    application = _sub(_sub(encoding, "appInfo"), "application", ident="aligner", version=__version__)
    _sub(application, "label", "aligner")
    taxonomy = _sub(_sub(encoding, "classDecl"), "taxonomy", xml_id=f"{ID_PREFIX}verification")
    for status, description in CATEGORIES.items():
        category = _sub(taxonomy, "category", xml_id=f"{ID_PREFIX}{status.value}")
        _sub(category, "catDesc", f"{status.value}: {description}")
    roles = _sub(_sub(encoding, "classDecl"), "taxonomy", xml_id=f"{ID_PREFIX}roles")
    _sub(_sub(roles, "category", xml_id=BASE_ROLE[1:]), "catDesc", "base: the witness whose order and structure lead")
    chars = sorted(set(forbidden))
    if chars:
        decl = _sub(encoding, "charDecl")
        for char in chars:
            entry = _sub(decl, "char", xml_id=char_id(char))
            _sub(entry, "desc", f"U+{ord(char):04X}, a character XML 1.0 does not allow, from a witness")
    _sub(encoding, "variantEncoding", method="parallel-segmentation", location="internal")


def _forbidden(alignment: Alignment) -> set[str]:
    return {m.group() for w in alignment.witnesses for m in NOT_XML.finditer(w.text)}


def _runs(alignment: Alignment) -> Iterable[tuple[int, list[Unit]]]:
    """Units one by one, except that consecutive units the same witnesses lack come as one run."""
    run: list[Unit] = []
    start = 0
    for n, unit in enumerate(alignment.units):
        absent = _absent(alignment, unit)
        joins = run and absent and not unit.moved and not run[0].moved and absent == _absent(alignment, run[0])
        if run and not joins:
            yield start, run
            run = []
        if not run:
            start = n
        run.append(unit)
        if not absent:
            yield start, run
            run = []
    if run:
        yield start, run


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
    span = _Span.of(alignment)
    _emit_moved(body, units, moved.get("", []), pages)
    for at, run in _runs(alignment):
        if _absent(alignment, run[0]):
            _run(body, run, pages, span, at)
        else:
            _whole(body, run[0], pages)
        for unit in run:
            _emit_moved(body, units, moved.get(unit.id, []), pages)
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
    from aligner.tei.read import witness_paragraphs

    root = build(alignment)
    _indent(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for nw in alignment.witnesses:
        if witness_paragraphs(data, nw.siglum) != [p.text for p in nw.paragraphs]:
            raise AssertionError(f"TEI export would not rebuild witness {nw.siglum}: please report this bug")
    return data
