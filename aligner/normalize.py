"""Normalization: reflow, then spacing and width, then segmentation.

Each step is a pure function from text to edits; :func:`apply_edits` turns the edits
into new text and an offset map, and the maps compose, so a normalized character
always traces back to its source line and column. Nothing here changes a letter, a
digit or a CJK character unless the profile says so (``fold_width``).

>>> result = normalize_text("一、总则\\n\u3000\u3000自 2009年以来，中国先后制定。\\n")
>>> result.text
'一、总则\\n自2009年以来，中国先后制定。'
>>> result.source_position(6)   # the "2" of 2009 is on line 2, column 5
(2, 5)
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from aligner.model import Furniture, NormalizedWitness, PageBreak, Witness
from aligner.reflow import ReflowResult, given_edits, laid_out_edits, reflow_edits, unwrapped_edits
from aligner.rules import Profile, detect_profile, get_profile
from aligner.rules.characters import CONTROL, FULLWIDTH_ALNUM, FULLWIDTH_OFFSET
from aligner.rules.spacing import SPACING_RULES
from aligner.segment import segment
from aligner.text import Edit, LineIndex, OffsetMap, apply_edits

__all__ = [
    "Change",
    "NormalizeConfig",
    "explain_witness",
    "normalize_text",
    "normalize_witness",
    "note_edits",
    "replay",
    "spacing_edits",
    "width_edits",
]


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """Which normalizers run, and with which rules.

    ``profile`` is a profile's name or a :class:`Profile` itself (one of your own, e.g.
    ``ZH.with_options(name="zh-fold", fold_width=True)``); ``None`` detects the language.
    Change a config by copying it: ``NormalizeConfig().replace(reflow=False)``.
    """

    profile: str | Profile | None = None
    reflow: bool = True
    spacing: bool = True

    def replace(self, **changes: object) -> NormalizeConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    def resolve(self, text: str) -> Profile:
        if isinstance(self.profile, Profile):
            return self.profile
        return get_profile(self.profile) if self.profile else detect_profile(text)


def spacing_edits(text: str, profile: Profile) -> list[Edit]:
    """Edits that fix spacing: strip line edges, drop or set spaces around CJK, fold runs."""
    pattern, replacements = SPACING_RULES[profile.spacing]
    edits = []
    for match in pattern.finditer(text):
        new, rule = replacements[match.lastgroup or "run"]
        if match.group(0) != new:
            edits.append(Edit(match.start(), match.end(), new, rule=rule))
    return edits


def width_edits(text: str) -> list[Edit]:
    """Full-width letters and digits to ASCII (``２０２１`` -> ``2021``), one for one."""
    return [
        Edit(m.start(), m.start() + 1, chr(ord(m.group(0)) - FULLWIDTH_OFFSET), exact=True, rule="full-width-form")
        for m in FULLWIDTH_ALNUM.finditer(text)
    ]


def note_edits(text: str, profile: Profile) -> list[Edit]:
    """Remove the ``/`` that only marks where a two-column note turns to its second half."""
    if profile.note is None:
        return []
    return [Edit(m.end(1), m.start(2), "", rule="note-column-break") for m in profile.note.finditer(text)]


def _page_breaks(reflow: ReflowResult, offsets: OffsetMap) -> tuple[PageBreak, ...]:
    hard = [PageBreak(offsets.output_offset(src), n) for src, n in reflow.page_starts]
    soft = [PageBreak(offsets.output_offset(src), "") for src in reflow.soft_page_breaks]
    return tuple(sorted(hard + soft, key=lambda b: b.offset))


def control_edits(text: str) -> list[Edit]:
    """Drop stray control characters (an escape, a NUL) that no edition means as text."""
    return [Edit(m.start(), m.end(), "", rule="control-character") for m in CONTROL.finditer(text)]


def _layout_edits(witness: Witness, profile: Profile, reflow: bool) -> ReflowResult:
    """Where paragraphs end, by what the format knows: given (HTML, DOCX, TEI), laid out (PDF), or guessed."""
    body = witness.body
    if witness.blocks is not None:
        return given_edits(body)
    if witness.layout is not None and reflow:
        return laid_out_edits(body, witness.layout, profile)
    return reflow_edits(body, profile) if reflow else unwrapped_edits(body, profile)


@dataclass(frozen=True, slots=True)
class Change:
    """One edit normalization made, why, and where it stands in the source.

    ``start``/``end`` locate the edit in the text its step was given (``step`` counts
    the steps that changed something, from 0), so replaying the changes step by step on
    the witness's body rebuilds the normalized text: see :func:`replay`. ``line`` and
    ``column`` (1-based) locate it in the file, ``page`` too where lines are counted by
    page (PDF).
    """

    step: int
    rule: str
    start: int
    end: int
    before: str
    after: str
    line: int
    column: int
    page: int | None = None

    def describe(self, path: str) -> str:
        """``path:line:col: rule: 'before' -> 'after'``, line ends and controls shown escaped."""
        page = f" (page {self.page})" if self.page is not None else ""
        return f"{path}:{self.line}:{self.column}: {self.rule}: {self.before!r} -> {self.after!r}{page}"


def replay(body: str, changes: Sequence[Change]) -> str:
    """Apply recorded changes to a witness's body, step by step: the normalized text again."""
    text = body
    for _, step in itertools.groupby(changes, key=lambda c: c.step):
        text = apply_edits(text, [Edit(c.start, c.end, c.after, c.rule) for c in step])[0]
    return text


def normalize_witness(witness: Witness, config: NormalizeConfig | None = None) -> NormalizedWitness:
    """Reflow, space and segment one witness; the result keeps the map back to its source."""
    return _normalize(witness, config or NormalizeConfig(), None)


def explain_witness(witness: Witness, config: NormalizeConfig | None = None) -> tuple[NormalizedWitness, list[Change]]:
    """:func:`normalize_witness`, and every change it made, in order, with its rule and place."""
    changes: list[Change] = []
    return _normalize(witness, config or NormalizeConfig(), changes), changes


def _normalize(witness: Witness, config: NormalizeConfig, record: list[Change] | None) -> NormalizedWitness:
    body = witness.body
    profile = config.resolve(body)
    extraction = witness.extraction or OffsetMap.identity(len(body))
    controls = control_edits(body)
    warnings = _control_warnings(witness, controls, extraction)
    recorder = _Recorder(record, extraction, witness)
    clean, cleaning = recorder.apply(body, controls, OffsetMap.identity(len(body)))
    layout = _layout_edits(dataclasses.replace(witness, text=clean), profile, config.reflow)
    steps: list[Callable[[str], list[Edit]]] = [lambda t: list(layout.edits), lambda t: note_edits(t, profile)]
    if config.spacing:
        steps.append(lambda t: spacing_edits(t, profile))
    if profile.fold_width:
        steps.append(width_edits)
    text, local = clean, OffsetMap.identity(len(clean))  # local: the text so far -> clean
    for step in steps:
        text, local = recorder.apply(text, step(text), local, cleaning)
    return NormalizedWitness(
        witness=witness,
        text=text,
        paragraphs=segment(text, profile, witness.blocks),
        offsets=extraction.compose(cleaning).compose(local),
        furniture=_placed(layout.furniture, extraction.compose(cleaning), witness),
        page_breaks=_page_breaks(layout, local),
        profile=profile.name,
        warnings=warnings,
        rules=profile,
    )


def _placed(furniture: tuple[Furniture, ...], to_source: OffsetMap, witness: Witness) -> tuple[Furniture, ...]:
    """Furniture located in the witness's file: source offsets, and the line as the file's
    reader counts it (from the top of its page, for a PDF)."""
    if not furniture:
        return ()
    lines = LineIndex(witness.source, by_page=witness.format == "pdf")
    placed = []
    for item in furniture:
        start = to_source.source_start(item.source_start)
        end = to_source.source_end(max(item.source_end - 1, item.source_start))
        placed.append(dataclasses.replace(item, source_start=start, source_end=end, line=lines.position(start)[0]))
    return tuple(placed)


def _control_warnings(witness: Witness, controls: list[Edit], extraction: OffsetMap) -> tuple[str, ...]:
    if not controls:
        return ()
    lines = LineIndex(witness.source)
    return tuple(
        f"{witness.path}:{':'.join(map(str, lines.position(extraction.source_start(e.start))))}: "
        f"dropped control character U+{ord(witness.body[e.start]):04X}"
        for e in controls
    )


class _Recorder:
    """Applies each step's edits and, when asked to explain, records them as :class:`Change` s."""

    def __init__(self, record: list[Change] | None, extraction: OffsetMap, witness: Witness) -> None:
        self.record = record
        self.extraction = extraction
        # a PDF's lines are counted by page, as its reader sees them
        self.lines = LineIndex(witness.source, by_page=witness.format == "pdf") if record is not None else None
        self.steps = 0

    def apply(
        self, text: str, edits: list[Edit], local: OffsetMap, before: OffsetMap | None = None
    ) -> tuple[str, OffsetMap]:
        """``text`` edited, and ``local`` (text -> some earlier text) extended to the new text.

        ``before`` maps that earlier text back to the body; with ``extraction`` it places
        each change in the file.
        """
        if not edits:
            return text, local
        if self.record is not None:
            to_source = self.extraction.compose(before) if before is not None else self.extraction
            self._record(text, edits, to_source.compose(local))
        new, later = apply_edits(text, edits)
        return new, local.compose(later)

    def _record(self, text: str, edits: list[Edit], to_source: OffsetMap) -> None:
        assert self.record is not None and self.lines is not None
        for edit in edits:
            if text[edit.start : edit.end] == edit.replacement:
                continue  # a decision that left the text as it was (a line end kept as a paragraph end)
            offset = to_source.source_start(edit.start)
            line, column = self.lines.position(offset)
            self.record.append(
                Change(
                    self.steps,
                    edit.rule,
                    edit.start,
                    edit.end,
                    text[edit.start : edit.end],
                    edit.replacement,
                    line,
                    column,
                    self.lines.page(offset),
                )
            )
        self.steps += 1


def normalize_text(text: str, config: NormalizeConfig | None = None, *, siglum: str = "text") -> NormalizedWitness:
    """Normalize text held in memory, as :func:`normalize_witness` does a file."""
    return normalize_witness(Witness.of_file(text.encode("utf-8"), "<text>", siglum, text), config)
