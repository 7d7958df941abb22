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
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import regex

from aligner.model import NormalizedWitness, PageBreak, Witness
from aligner.reflow import ReflowResult, given_edits, laid_out_edits, reflow_edits, unwrapped_edits
from aligner.rules import HSPACE, Profile, SpacingStyle, detect_profile, get_profile
from aligner.segment import segment
from aligner.text import Edit, LineIndex, OffsetMap, apply_edits

__all__ = ["NormalizeConfig", "normalize_text", "normalize_witness", "note_edits", "spacing_edits", "width_edits"]


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """Which normalizers run, and with which rules.

    ``profile=None`` detects the language. Change a config by copying it:
    ``NormalizeConfig().replace(reflow=False)``.
    """

    profile: str | None = None
    reflow: bool = True
    spacing: bool = True

    def replace(self, **changes: object) -> NormalizeConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    def resolve(self, text: str) -> Profile:
        return get_profile(self.profile) if self.profile else detect_profile(text)


# Characters a space may not touch in CJK text (government style): ideographs, kana,
# hangul, CJK punctuation and full-width forms. Curly quotes and dashes are left out
# on purpose: they also occur in Latin text, where their spaces are real.
SPACING_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3001-\u303f\uff01-\uff60\uffe0-\uffe6"
ALNUM = r"A-Za-z0-9"

_GOVERNMENT = regex.compile(
    rf"(?P<edge>^{HSPACE}+|{HSPACE}+$)"
    rf"|(?P<cjk>(?<=[{SPACING_CJK}]){HSPACE}+|{HSPACE}+(?=[{SPACING_CJK}]))"
    rf"|(?P<run>{HSPACE}{{2,}}|[^\S \n\f])",
    regex.MULTILINE,
)
_PANGU = regex.compile(
    rf"(?P<edge>^{HSPACE}+|{HSPACE}+$)"
    rf"|(?P<pangu>(?<=[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]){HSPACE}*(?=[{ALNUM}])"
    rf"|(?<=[{ALNUM}]){HSPACE}*(?=[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]))"
    rf"|(?P<cjk>(?<=[{SPACING_CJK}]){HSPACE}+|{HSPACE}+(?=[{SPACING_CJK}]))"
    rf"|(?P<run>{HSPACE}{{2,}}|[^\S \n\f])",
    regex.MULTILINE,
)
_LATIN = regex.compile(rf"(?P<edge>^{HSPACE}+|{HSPACE}+$)|(?P<run>{HSPACE}{{2,}}|[^\S \n\f])", regex.MULTILINE)

SPACING_RULES: dict[SpacingStyle, tuple[regex.Pattern[str], dict[str, str]]] = {
    SpacingStyle.GOVERNMENT: (_GOVERNMENT, {"edge": "", "cjk": "", "run": " "}),
    SpacingStyle.PANGU: (_PANGU, {"edge": "", "pangu": " ", "cjk": "", "run": " "}),
    SpacingStyle.LATIN: (_LATIN, {"edge": "", "run": " "}),
}

FULLWIDTH_ALNUM = regex.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def spacing_edits(text: str, profile: Profile) -> list[Edit]:
    """Edits that fix spacing: strip line edges, drop or set spaces around CJK, fold runs."""
    pattern, replacements = SPACING_RULES[profile.spacing]
    edits = []
    for match in pattern.finditer(text):
        new = replacements[match.lastgroup or "run"]
        if match.group(0) != new:
            edits.append(Edit(match.start(), match.end(), new))
    return edits


def width_edits(text: str) -> list[Edit]:
    """Full-width letters and digits to ASCII (``２０２１`` -> ``2021``), one for one."""
    return [
        Edit(m.start(), m.start() + 1, chr(ord(m.group(0)) - 0xFEE0), exact=True)
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


CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


def normalize_witness(witness: Witness, config: NormalizeConfig | None = None) -> NormalizedWitness:
    """Reflow, space and segment one witness; the result keeps the map back to its source."""
    config = config or NormalizeConfig()
    body = witness.body
    profile = config.resolve(body)
    extraction = witness.extraction or OffsetMap.identity(len(body))
    controls = control_edits(body)
    lines = LineIndex(witness.source)
    warnings = tuple(
        f"{witness.path}:{':'.join(map(str, lines.position(extraction.source_start(e.start))))}: "
        f"dropped control character U+{ord(body[e.start]):04X}"
        for e in controls
    )
    clean, cleaning = apply_edits(body, controls) if controls else (body, OffsetMap.identity(len(body)))
    layout = _layout_edits(dataclasses.replace(witness, text=clean), profile, config.reflow)
    steps: list[Callable[[str], list[Edit]]] = [lambda t: list(layout.edits), lambda t: note_edits(t, profile)]
    if config.spacing:
        steps.append(lambda t: spacing_edits(t, profile))
    if profile.fold_width:
        steps.append(width_edits)
    text, local = clean, OffsetMap.identity(len(clean))  # local: the text so far -> clean
    for step in steps:
        edits = step(text)
        if edits:
            text, later = apply_edits(text, edits)
            local = local.compose(later)
    return NormalizedWitness(
        witness=witness,
        text=text,
        paragraphs=segment(text, profile, witness.blocks),
        offsets=extraction.compose(cleaning).compose(local),
        furniture=layout.furniture,
        page_breaks=_page_breaks(layout, local),
        profile=profile.name,
        warnings=warnings,
    )


def normalize_text(text: str, config: NormalizeConfig | None = None, *, siglum: str = "text") -> NormalizedWitness:
    """Normalize text held in memory, as :func:`normalize_witness` does a file."""
    data = text.encode("utf-8")
    witness = Witness(siglum, "<text>", hashlib.sha256(data).hexdigest(), len(data), "utf-8", text)
    return normalize_witness(witness, config)
