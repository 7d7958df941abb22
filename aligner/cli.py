"""The ``aligner`` command: arguments -> config -> library call -> exit code.

Exit codes: 0 success, 1 a check found differences, 2 bad input or usage. Every
:class:`~aligner.errors.AlignerError` becomes one line on stderr; nothing else is
caught, so a bug still shows its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from aligner import __version__
from aligner.errors import AlignerError, UsageError
from aligner.io import write_atomic
from aligner.model import Alignment
from aligner.normalize import NormalizeConfig, normalize_witness
from aligner.rules import PROFILES
from aligner.witness import read_witness

F = TypeVar("F", bound=Callable[..., Any])

# Inputs above this size get a progress display (on a terminal, unless --quiet).
PROGRESS_BYTES = 1_000_000
EXPORTERS = {
    "json": "aligner.export.json",
    "csv": "aligner.export.csv",
    "tei": "aligner.export.tei",
    "html": "aligner.export.html",
}


def _fail(message: str) -> None:
    click.echo(f"aligner: error: {message}", err=True)
    sys.exit(2)


class AlignerGroup(click.Group):
    """Turns AlignerError into one line and exit 2; Ctrl-C into exit 130 without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AlignerError as err:
            _fail(str(err))
        except KeyboardInterrupt:
            click.echo("aligner: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)


def normalize_options(func: F) -> F:
    """Options shared by every command that normalizes witnesses."""
    func = click.option(
        "--profile",
        type=click.Choice(sorted(PROFILES)),
        default=None,
        help="Rule set (default: detect the language).",
    )(func)
    func = click.option("--no-spacing", is_flag=True, help="Keep spacing and widths as they are.")(func)
    func = click.option("--no-reflow", is_flag=True, help="Take every line as a paragraph (no PDF line-break repair).")(
        func
    )
    return click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary.")(func)


def witness_options(func: F) -> F:
    func = click.option("--base", metavar="SIGLUM", help="Witness whose order and structure lead (default: first).")(
        func
    )
    return click.option("--sigla", metavar="A,B,...", help="Sigla for the witnesses (default: file stems).")(func)


def _config(profile: str | None, no_reflow: bool, no_spacing: bool) -> NormalizeConfig:
    return NormalizeConfig(profile=profile, reflow=not no_reflow, spacing=not no_spacing)


@contextmanager
def progress(paths: Sequence[str], quiet: bool, steps: int) -> Iterator[Callable[[str], None]]:
    """A bar of ``steps`` steps on stderr for large inputs on a terminal; silent in pipes and with --quiet.

    Each call of the yielded function starts the next step and names it.
    """
    size = sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
    if quiet or size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield lambda _step: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{size / 1e6:.1f} MB", total=steps)
        started = False

        def step(name: str) -> None:
            nonlocal started
            bar.update(task, description=name, advance=1 if started else 0)
            started = True

        yield step
        bar.update(task, completed=steps)


@click.group(cls=AlignerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="aligner")
def main() -> None:
    """Align editions of one document and record them as verified TEI.

    \b
    Start with the bundled sample:
      aligner demo                      # normalize, align, write JSON/TEI/HTML
      aligner check web.txt pdf.txt     # exit 0 when the editions agree
    """


@main.command()
@click.argument("input", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--output", default="-", metavar="FILE", help="Where to write (default: stdout).")
@click.option("--furniture", is_flag=True, help="List removed running heads and page numbers on stderr.")
@normalize_options
def normalize(
    input: str,
    output: str,
    furniture: bool,
    quiet: bool,
    no_reflow: bool,
    no_spacing: bool,
    profile: str | None,
) -> None:
    """Repair PDF layout and spacing: one paragraph per line.

    \b
    Examples:
      aligner normalize corpora/nhrap-2021-2025/pdf.txt
      aligner normalize scan.txt -o clean.txt --profile en --furniture
    """
    with progress([input], quiet, steps=2) as step:
        step("reading")
        witness = read_witness(input)
        step("normalizing")
        result = normalize_witness(witness, _config(profile, no_reflow, no_spacing))
    write_atomic(output, result.text + "\n" if result.text else "")
    if furniture:
        for item in result.furniture:
            click.echo(f"{input}:{item.line}:1: {item.kind}: removed {item.text!r} (page {item.page + 1})", err=True)
    elif result.furniture and not quiet:
        click.echo(
            f"aligner: removed {len(result.furniture)} lines of page furniture "
            "(running heads, page numbers); --furniture lists them",
            err=True,
        )


def _write_outputs(alignment: Alignment, outputs: dict[str, str | None]) -> None:
    import importlib

    for name, target in outputs.items():
        if target:
            module = importlib.import_module(EXPORTERS[name])
            write_atomic(target, module.render(alignment))


def _align(
    witnesses: Sequence[str], sigla: str | None, base: str | None, config: NormalizeConfig, quiet: bool
) -> Alignment:
    from aligner.pipeline import align_files

    with progress(witnesses, quiet, steps=len(witnesses) + 2) as step:
        return align_files(witnesses, sigla=sigla, base=base, config=config, on_step=step)


@main.command()
@click.argument("witnesses", nargs=-1, required=True, type=click.Path(path_type=str))
@witness_options
@click.option("--json", "json_out", metavar="FILE", help="Write the alignment as JSON ('-' for stdout).")
@click.option("--tei", "tei_out", metavar="FILE", help="Write a TEI P5 parallel-segmentation document.")
@click.option("--html", "html_out", metavar="FILE", help="Write a self-contained HTML report.")
@click.option("--csv", "csv_out", metavar="FILE", help="Write the alignment table as CSV.")
@normalize_options
def align(
    witnesses: tuple[str, ...],
    sigla: str | None,
    base: str | None,
    json_out: str | None,
    tei_out: str | None,
    html_out: str | None,
    csv_out: str | None,
    quiet: bool,
    no_reflow: bool,
    no_spacing: bool,
    profile: str | None,
) -> None:
    """Align two or more editions paragraph by paragraph and find their variants.

    \b
    Examples:
      aligner align web.txt pdf.txt --json alignment.json --tei edition.xml
      aligner align a.txt b.txt c.txt --sigla A,B,C --base B --html report.html
    """
    if len(witnesses) < 2:
        raise UsageError("align needs at least two witnesses")
    outputs = {"json": json_out, "csv": csv_out, "tei": tei_out, "html": html_out}
    if sum(1 for v in outputs.values() if v == "-") > 1:
        raise UsageError("only one output can go to stdout ('-')")
    alignment = _align(witnesses, sigla, base, _config(profile, no_reflow, no_spacing), quiet)
    _write_outputs(alignment, outputs)
    if not quiet and "-" not in outputs.values():
        from aligner.export.summary import render as summary

        click.echo(summary(alignment), nl=False)


@main.command()
@click.argument("witnesses", nargs=-1, required=True, type=click.Path(path_type=str))
@witness_options
@click.option(
    "--allow",
    metavar="TYPE[,TYPE]",
    default="",
    help="Differences that pass: whitespace, punctuation, width, substantive, gap.",
)
@normalize_options
def check(
    witnesses: tuple[str, ...],
    sigla: str | None,
    base: str | None,
    allow: str,
    quiet: bool,
    no_reflow: bool,
    no_spacing: bool,
    profile: str | None,
) -> None:
    """Check that editions say the same thing (for CI): exit 0 if they agree, 1 if not.

    Findings are printed as PATH:LINE:COL: TYPE: message, pointing into the original files.

    \b
    Examples:
      aligner check web.txt pdf.txt
      aligner check web.txt pdf.txt --allow gap,whitespace
    """
    from aligner.check import ALLOWABLE, findings, summary_line

    allowed = frozenset(a.strip() for a in allow.split(",") if a.strip())
    unknown = allowed - ALLOWABLE
    if unknown:
        raise UsageError(
            f"--allow: unknown type {', '.join(sorted(unknown))} (choose from {', '.join(sorted(ALLOWABLE))})"
        )
    if len(witnesses) < 2:
        raise UsageError("check needs at least two witnesses")
    alignment = _align(witnesses, sigla, base, _config(profile, no_reflow, no_spacing), quiet)
    found = findings(alignment, allowed)
    for finding in found:
        click.echo(finding.format())
    click.echo(summary_line(found, alignment))
    sys.exit(1 if found else 0)


@main.command()
@click.argument("file", type=click.Path(path_type=str))
def validate(file: str) -> None:
    """Validate a TEI file against aligner's schema (schemas/aligner-tei.rng).

    Exit 0 when valid, 1 when invalid (one PATH:LINE:COL: message per problem on
    stderr), 2 when the file cannot be read as XML.

    \b
    Example:
      aligner validate edition.xml
    """
    from aligner.errors import ValidationError
    from aligner.tei import validate as validate_tei

    try:
        validate_tei(file)
    except ValidationError as err:  # the file was read and found wanting: a finding, like check's
        for line in err.errors:
            click.echo(line, err=True)
        sys.exit(1)
    click.echo(f"{file}: valid")


@main.command()
@click.argument("source", type=click.Path(path_type=str))
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder for the results, one per document.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N", help="Local worker processes [default: the cores].")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask distributed cluster (e.g. tcp://host:8786).")
@click.option("--force", is_flag=True, help="Redo documents whose outputs are already up to date.")
@click.option("--html", "with_html", is_flag=True, help="Also write an HTML report per document.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def batch(
    source: str, out_dir: str, workers: int | None, scheduler: str | None, force: bool, with_html: bool, quiet: bool
) -> None:
    """Take a whole corpus through the pipeline: a manifest (JSON) or a folder of DOC/SIGLUM.txt.

    Writes DIR/DOC_ID/alignment.json and alignment.tei.xml (and report.html with --html) for
    each document, and DIR/summary.csv and DIR/summary.json. A bad document becomes an error
    row and the batch goes on (exit 2 at the end); a re-run skips documents whose inputs and
    options are unchanged.

    \b
    Examples:
      aligner batch corpora/nhrap-2021-2025/manifest.json --out results
      aligner batch my-corpus/ --out results --workers 8 --html
      aligner batch manifest.json --out results --scheduler tcp://scheduler:8786
    """
    from aligner.batch import run_cli

    sys.exit(run_cli(source, out_dir, workers=workers, scheduler=scheduler, force=force, html=with_html, quiet=quiet))


@main.command()
@click.option(
    "--out",
    "out_dir",
    default="aligner-demo",
    show_default=True,
    metavar="DIR",
    help="Folder for the results.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
def demo(out_dir: str, quiet: bool) -> None:
    """Run the whole pipeline on the bundled sample corpus.

    Normalizes and aligns the web and PDF editions of the National Human Rights Action
    Plan of China (2021–2025) and writes normalized text, JSON, CSV, TEI and HTML to DIR.
    """
    corpus = _bundled_corpus()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Relative paths where possible: they go into every output, which should not name this machine.
    paths = [os.path.relpath(corpus / name) for name in ("web.txt", "pdf.txt")]
    alignment = _align(paths, None, None, NormalizeConfig(), True)
    for nw in alignment.witnesses:
        write_atomic(out / f"{nw.siglum}.normalized.txt", nw.text + "\n")
    _write_outputs(
        alignment,
        {
            "json": str(out / "alignment.json"),
            "csv": str(out / "alignment.csv"),
            "tei": str(out / "alignment.tei.xml"),
            "html": str(out / "report.html"),
        },
    )
    if not quiet:
        from aligner.export.summary import render as summary

        click.echo(summary(alignment), nl=False)
        click.echo(
            f"wrote {out}/: web.normalized.txt pdf.normalized.txt alignment.json alignment.csv "
            "alignment.tei.xml report.html"
        )


def _bundled_corpus() -> Path:
    for base in (Path(__file__).resolve().parent.parent / "corpora", Path.cwd() / "corpora"):
        if (base / "nhrap-2021-2025" / "web.txt").is_file():
            return base / "nhrap-2021-2025"
    raise UsageError("the bundled corpus (corpora/nhrap-2021-2025) is not here; run from a checkout")


if __name__ == "__main__":
    main()
