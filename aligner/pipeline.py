"""The whole pipeline for a set of files: read, normalize, align, with one set of options.

The CLI, the batch runner and the Python API all call :func:`align_sources` (or
:func:`align_files`, its form for plain paths), so a document aligned on its own and
the same document in a batch give byte-identical outputs. Nothing is read but the
files named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from aligner.errors import InputError, UsageError
from aligner.model import Alignment, NormalizedWitness, Witness
from aligner.normalize import NormalizeConfig, normalize_witness
from aligner.witness import read_witness, siglum_for

__all__ = ["Options", "Source", "align_files", "align_sources", "parse_sigla"]

OnStep = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Source:
    """One witness to read: where it is, its siglum, and how outputs name it.

    ``label`` is the path outputs record (a manifest's relative path rather than this
    machine's); ``sha256``, when given, is what the file must hash to.
    """

    path: str | Path
    siglum: str
    kind: str = ""
    label: str = ""
    sha256: str = ""
    format: str | None = None  # forced reader; None: recognised from the content and the name
    encoding: str | None = None  # forced text encoding; None: detected


@dataclass(frozen=True, slots=True)
class Options:
    """Everything besides the files that shapes an alignment: from flags, a manifest, or code."""

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    base: str | None = None
    title: str = ""
    orthographic: bool = True  # False: variant character forms are substantive differences
    format: str | None = None  # force one reader for every witness (text, pdf, html, docx, tei)
    encoding: str | None = None  # force one text encoding


def parse_sigla(paths: Sequence[str | Path], sigla: str | Sequence[str] | None) -> list[str]:
    """Sigla for ``paths``: given (comma-separated or a list), or the file stems (whole file names
    where two stems are the same), unique."""
    if sigla is None:
        names = [siglum_for(p) for p in paths]
        clashing = {n for n in names if names.count(n) > 1}
        # web.txt and web.html: the whole file name tells them apart
        names = [
            siglum_for(Path(str(p)).name + ".x") if n in clashing else n for p, n in zip(paths, names, strict=True)
        ]
    else:
        names = [s.strip() for s in sigla.split(",")] if isinstance(sigla, str) else list(sigla)
        if len(names) != len(paths):
            raise UsageError(f"--sigla names {len(names)} witnesses but {len(paths)} files were given")
    if len(set(names)) != len(names):
        raise UsageError(f"sigla must be unique, got {', '.join(names)} (set them with --sigla A,B,...)")
    return names


def _read(source: Source, options: Options) -> Witness:
    try:
        witness = read_witness(
            source.path,
            source.siglum,
            kind=source.kind,
            format=source.format or options.format,
            encoding=source.encoding or options.encoding,
        )
    except InputError as err:
        if not source.label:
            raise
        raise type(err)(source.label, err.problem, err.hint) from None
    if source.sha256 and witness.sha256 != source.sha256:
        raise InputError(
            source.label or source.path,
            f"SHA-256 is {witness.sha256[:12]}…, the manifest says {source.sha256[:12]}…",
            "the file changed; update the manifest",
        )
    return replace(witness, path=source.label) if source.label else witness


def align_sources(
    sources: Sequence[Source], options: Options | None = None, on_step: OnStep | None = None
) -> Alignment:
    """Read, normalize and align ``sources``; ``on_step`` is told what is happening (for progress)."""
    from aligner.align import align

    options = options or Options()
    if len(sources) < 2:
        raise UsageError("alignment needs at least two witnesses")
    sigla = [s.siglum for s in sources]
    if options.base is not None and options.base not in sigla:
        raise UsageError(f"--base {options.base!r} is not one of the sigla {', '.join(sigla)}")
    step = on_step or (lambda _msg: None)
    step("reading")
    witnesses = [_read(source, options) for source in sources]
    normalized: list[NormalizedWitness] = []
    for witness in witnesses:
        step(f"normalizing {witness.siglum}")
        normalized.append(normalize_witness(witness, options.normalize))
    step("aligning")
    return align(normalized, base=options.base, title=options.title, orthographic=options.orthographic)


def align_files(
    paths: Sequence[str | Path],
    *,
    sigla: str | Sequence[str] | None = None,
    options: Options | None = None,
    on_step: OnStep | None = None,
) -> Alignment:
    """:func:`align_sources` for plain paths, sigla given or taken from the file names."""
    names = parse_sigla(paths, sigla)
    return align_sources([Source(p, s) for p, s in zip(paths, names, strict=True)], options, on_step)
