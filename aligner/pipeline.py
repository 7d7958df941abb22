"""The whole pipeline for a set of files: read, normalize, align, with one config.

The CLI and the batch runner both call :func:`align_files`, so a document aligned one
at a time and the same document in a batch give byte-identical outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from aligner.errors import UsageError
from aligner.model import Alignment, NormalizedWitness, Witness
from aligner.normalize import NormalizeConfig, normalize_witness
from aligner.witness import read_witness, siglum_for

__all__ = ["align_files", "parse_sigla", "read_witnesses"]

Step = Callable[[str], None]


def parse_sigla(paths: Sequence[str | Path], sigla: str | Sequence[str] | None) -> list[str]:
    """Sigla for ``paths``: given (comma-separated or a list) or the file stems, unique."""
    if sigla is None:
        names = [siglum_for(p) for p in paths]
    else:
        names = [s.strip() for s in sigla.split(",")] if isinstance(sigla, str) else list(sigla)
        if len(names) != len(paths):
            raise UsageError(f"--sigla names {len(names)} witnesses but {len(paths)} files were given")
    if len(set(names)) != len(names):
        raise UsageError(f"sigla must be unique, got {', '.join(names)} (set them with --sigla A,B,...)")
    return names


def read_witnesses(paths: Sequence[str | Path], sigla: Sequence[str]) -> tuple[list[Witness], str]:
    """Read every witness; take kind and title from a corpus manifest beside them if there is one."""
    from aligner.manifest import find_for_witness

    witnesses = []
    title = ""
    for path, siglum in zip(paths, sigla, strict=True):
        entry = find_for_witness(path)
        kind = entry[1].kind if entry else ""
        title = title or (entry[0].title if entry else "")
        witnesses.append(read_witness(path, siglum, kind=kind or ""))
    return witnesses, title


def align_files(
    paths: Sequence[str | Path],
    *,
    sigla: str | Sequence[str] | None = None,
    base: str | None = None,
    config: NormalizeConfig | None = None,
    on_step: Step | None = None,
) -> Alignment:
    """Read, normalize and align ``paths``; ``on_step`` is told what is happening (for progress)."""
    from aligner.align import align

    if len(paths) < 2:
        raise UsageError("alignment needs at least two witnesses")
    names = parse_sigla(paths, sigla)
    if base is not None and base not in names:
        raise UsageError(f"--base {base!r} is not one of the sigla {', '.join(names)}")
    step = on_step or (lambda _msg: None)
    step("reading")
    witnesses, title = read_witnesses(paths, names)
    normalized: list[NormalizedWitness] = []
    for witness in witnesses:
        step(f"normalizing {witness.siglum}")
        normalized.append(normalize_witness(witness, config))
    step("aligning")
    return align(normalized, base=base, title=title)
