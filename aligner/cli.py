"""The ``aligner`` command: arguments -> options -> library call -> exit code.

Exit codes: 0 success, 1 a check found differences, 2 bad input or usage. Every
:class:`~aligner.errors.AlignerError` becomes one line on stderr; nothing else is
caught, so a bug still shows its traceback. Output paths are checked before any work
starts, and a command's outputs are written as one set. SIGTERM and SIGHUP stop a run
the way Ctrl-C does: nothing half-written stays behind. A reader that closes standard
output early (``| head``) never changes the exit code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, TypeVar

import click

from aligner import __version__
from aligner.errors import AlignerError, OutputError, UsageError, os_problem
from aligner.export import EXPORTERS
from aligner.files import plan_outputs, printable, write_outputs, write_stdout
from aligner.model import Alignment
from aligner.normalize import NormalizeConfig, explain_witness, normalize_witness
from aligner.pipeline import Options
from aligner.rules import PROFILES
from aligner.rules.characters import NOT_XML
from aligner.witness import read_witness

F = TypeVar("F", bound=Callable[..., Any])

# Inputs above this size get a progress display (on a terminal, unless --quiet).
PROGRESS_BYTES = 1_000_000


def _fail(message: str) -> NoReturn:
    _stderr(f"aligner: error: {message}")
    sys.exit(2)


def _stderr(line: str) -> None:
    with contextlib.suppress(OSError):  # nowhere left to say it; the exit code still does
        click.echo(printable(line), err=True)


def out(text: str) -> None:
    """Write to stdout; a closed pipe is the reader's choice, a full disk is an error."""
    write_stdout(text)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _finish_stdout() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        write_stdout(b"")  # marks stdout as gone and points it at /dev/null
    except OSError as err:
        _fail(str(OutputError("<stdout>", *os_problem(err, "be written"))))


class AlignerGroup(click.Group):
    """AlignerError -> one line and exit 2; Ctrl-C, SIGTERM, SIGHUP -> exit 130 with nothing half-written."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Click's own usage errors (an unknown option, a bad choice) are one line and exit 2 too."""
        kwargs["standalone_mode"] = False
        kwargs.setdefault("prog_name", "aligner")  # however it was started (python -m, a wrapper)
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:
            click.echo(err.format_message(), err=True)  # a bare command asks for its help
            sys.exit(2)
        except click.ClickException as err:
            ctx = err.ctx if isinstance(err, click.UsageError) else None
            _fail(f"{err.format_message()} (see '{ctx.command_path if ctx else 'aligner'} --help')")
        except click.exceptions.Abort:
            _stderr("aligner: interrupted")
            sys.exit(130)
        except BrokenPipeError:  # help or version text into a pipe closed early
            write_stdout(b"")  # marks stdout as gone and points it at /dev/null
            sys.exit(0)
        except OSError as err:  # help or version text on a full disk
            _fail(str(OutputError("<stdout>", *os_problem(err, "be written"))))
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)
        try:
            result = super().invoke(ctx)
        except AlignerError as err:
            _fail(str(err))
        except KeyboardInterrupt:
            _stderr("aligner: interrupted")
            sys.exit(130)
        except SystemExit:
            _finish_stdout()
            raise
        _finish_stdout()
        return result


INPUT_FORMATS = click.Choice(["text", "pdf", "html", "docx", "tei"])


def single(*declarations: str, default: str | None = None, **attributes: Any) -> Callable[[F], F]:
    """An option that takes one value: given twice, it is refused, not silently the last one."""

    def only_once(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str | None:
        del ctx
        if len(values) > 1:
            raise click.BadParameter(f"given {len(values)} times ({', '.join(values)}); give it once", param=param)
        return values[0] if values else default

    return click.option(*declarations, multiple=True, callback=only_once, **attributes)


def reading_options(func: F, *, format_option: str = "--format") -> F:
    """How witnesses are read: force a format (else recognised), force an encoding (else detected)."""
    func = click.option(
        format_option,
        "input_format",
        type=INPUT_FORMATS,
        default=None,
        help="Read the witnesses as this format (default: recognised from content and name).",
    )(func)
    return click.option(
        "--encoding",
        metavar="NAME",
        default=None,
        help="Read text witnesses in this encoding (default: detected; e.g. gb18030, big5, shift_jis).",
    )(func)


def check_reading_options(func: F) -> F:
    """``check`` keeps ``--format`` for its findings: the input format is ``--input-format`` there."""
    return reading_options(func, format_option="--input-format")


def normalize_options(func: F) -> F:
    """Options shared by every command that normalizes witnesses."""
    func = click.option(
        "--profile",
        type=click.Choice(sorted(PROFILES)),
        default=None,
        help="Rule set (default: detect the language); 'aligner profiles' lists them.",
    )(func)
    func = click.option("--no-spacing", is_flag=True, help="Keep spacing and widths as they are.")(func)
    func = click.option("--no-reflow", is_flag=True, help="Take every line as a paragraph (no PDF line-break repair).")(
        func
    )
    return click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary.")(func)


def witness_options(func: F) -> F:
    func = click.option(
        "--no-orthographic",
        is_flag=True,
        help="Count variant character forms (各项/各項, 於/扵) as substantive, not orthographic.",
    )(func)
    func = click.option("--base", metavar="SIGLUM", help="Witness whose order and structure lead (default: first).")(
        func
    )
    func = click.option("--title", default="", metavar="TEXT", help="The document's title, for the TEI header.")(func)
    return click.option("--sigla", metavar="A,B,...", help="Sigla for the witnesses (default: file stems).")(func)


def _config(profile: str | None, no_reflow: bool, no_spacing: bool) -> NormalizeConfig:
    return NormalizeConfig(profile=profile, reflow=not no_reflow, spacing=not no_spacing)


def _options(flags: dict[str, Any]) -> Options:
    """The pipeline options that a command's flags ask for."""
    if NOT_XML.search(flags.get("title") or ""):
        raise UsageError("--title holds a control character, which the TEI header cannot carry")
    return Options(
        normalize=_config(flags["profile"], flags["no_reflow"], flags["no_spacing"]),
        base=flags.get("base"),
        title=flags.get("title") or "",
        orthographic=not flags.get("no_orthographic", False),
        format=flags.get("input_format"),
        encoding=flags.get("encoding"),
    )


def _warn(witnesses: Sequence[Any], quiet: bool) -> None:
    if quiet:
        return
    for witness in witnesses:
        for warning in witness.warnings:
            _stderr(f"aligner: warning: {warning}")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if os.path.isfile(path) else 0
    except OSError:
        return 0


@contextmanager
def progress(paths: Sequence[str], quiet: bool, steps: int) -> Iterator[Callable[[str], None]]:
    """A bar of ``steps`` steps on stderr for large inputs on a terminal; silent in pipes and with --quiet.

    Each call of the yielded function starts the next step and names it.
    """
    size = sum(_size(p) for p in paths)
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
            bar.update(task, description=printable(name), advance=1 if started else 0)
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
@click.argument("input", type=str)
@single("-o", "--output", default="-", metavar="FILE", help="Where to write (default: stdout).")
@click.option("--furniture", is_flag=True, help="List removed running heads and page numbers on stderr.")
@click.option(
    "--explain", is_flag=True, help="List every change on stderr: where, which rule, the text before and after."
)
@reading_options
@normalize_options
def normalize(input: str, output: str, furniture: bool, explain: bool, quiet: bool, **flags: Any) -> None:
    """Repair PDF layout and spacing: one paragraph per line.

    INPUT is a text, PDF, HTML, DOCX or TEI file, or - for standard input.

    \b
    Examples:
      aligner normalize corpora/nhrap-2021-2025/pdf.txt
      aligner normalize plan.pdf -o plan.txt --furniture
      aligner normalize plan.pdf -o plan.txt --explain 2>&1 | grep furniture
      aligner normalize scan.txt -o clean.txt --profile en --encoding cp1252
    """
    targets = plan_outputs({"--output": output}, [input])
    options = _options(flags)
    with progress([input], quiet, steps=2) as step:
        step("reading")
        witness = read_witness(input, format=options.format, encoding=options.encoding)
        step("normalizing")
        if explain:
            result, changes = explain_witness(witness, options.normalize)
        else:
            result, changes = normalize_witness(witness, options.normalize), []
    write_outputs([(targets["--output"], (result.text + "\n" if result.text else "").encode("utf-8"))])
    _warn([result], quiet)
    for change in changes:
        _stderr(change.describe(input))
    if furniture:
        for item in result.furniture:
            _stderr(f"{input}:{item.line}:1: {item.kind}: removed {item.text!r} (page {item.page + 1})")
    elif result.furniture and not quiet:
        _stderr(
            f"aligner: removed {len(result.furniture)} lines of page furniture "
            "(running heads, page numbers); --furniture lists them"
        )


def _write_exports(alignment: Alignment, targets: dict[str, Any]) -> None:
    write_outputs([(target, EXPORTERS[name].render(alignment)) for name, target in targets.items()])


def _align(witnesses: Sequence[str], sigla: str | None, options: Options, quiet: bool) -> Alignment:
    from aligner.pipeline import align_files

    with progress(witnesses, quiet, steps=len(witnesses) + 2) as step:
        return align_files(witnesses, sigla=sigla, options=options, on_step=step)


@main.command()
@click.argument("witnesses", nargs=-1, required=True, type=str)
@witness_options
@single("--json", "json_out", metavar="FILE", help="Write the alignment as JSON ('-' for stdout).")
@single("--tei", "tei_out", metavar="FILE", help="Write a TEI P5 parallel-segmentation document.")
@single("--html", "html_out", metavar="FILE", help="Write a self-contained HTML report.")
@single("--csv", "csv_out", metavar="FILE", help="Write the alignment table as CSV.")
@reading_options
@normalize_options
def align(
    witnesses: tuple[str, ...],
    sigla: str | None,
    json_out: str | None,
    tei_out: str | None,
    html_out: str | None,
    csv_out: str | None,
    quiet: bool,
    **flags: Any,
) -> None:
    """Align two or more editions paragraph by paragraph and find their variants.

    Each WITNESS is a text, PDF, HTML, DOCX or TEI file (- for standard input, once).

    \b
    Examples:
      aligner align web.html plan.pdf --html report.html
      aligner align web.txt pdf.txt --json alignment.json --tei edition.xml
      aligner align a.txt b.txt c.txt --sigla A,B,C --base B --html report.html
    """
    if len(witnesses) < 2:
        raise UsageError("align needs at least two witnesses")
    _one_stdin(witnesses)
    asked = {"json": json_out, "csv": csv_out, "tei": tei_out, "html": html_out}
    paths = {f"--{name}": path for name, path in asked.items() if path is not None}
    planned = plan_outputs(paths, witnesses)
    targets = {option[2:]: target for option, target in planned.items()}
    alignment = _align(witnesses, sigla, _options(flags), quiet)
    _write_exports(alignment, targets)
    _warn(alignment.witnesses, quiet)
    if not quiet and not any(t.is_stdout for t in targets.values()):
        from aligner.export.overview import render as overview

        out(printable_lines(overview(alignment)))


def _one_stdin(witnesses: Sequence[str]) -> None:
    if sum(1 for w in witnesses if w == "-") > 1:
        raise UsageError("standard input ('-') can be only one of the witnesses")


def printable_lines(text: str) -> str:
    """Each line of ``text`` made harmless for a terminal, line ends kept."""
    return "".join(printable(line) + "\n" for line in text.splitlines())


def _allowed(allow: Sequence[str]) -> frozenset[str]:
    from aligner.check import ALLOWABLE

    allowed = frozenset(a.strip() for value in allow for a in value.split(",") if a.strip())
    unknown = allowed - ALLOWABLE
    if unknown:
        raise UsageError(
            f"--allow: unknown type {', '.join(sorted(unknown))} (choose from {', '.join(sorted(ALLOWABLE))})"
        )
    return allowed


@main.command()
@click.argument("witnesses", nargs=-1, required=True, type=str)
@witness_options
@click.option(
    "--allow",
    metavar="TYPE[,TYPE]",
    multiple=True,
    help="Differences that pass: whitespace, punctuation, width, orthographic, substantive, gap, moved (repeatable).",
)
@single(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "gitlab", "sarif", "junit"]),
    default="text",
    help="How findings are written (default: text): text lines, JSON, GitHub annotations, GitLab Code Quality,"
    " SARIF 2.1.0, JUnit XML.",
)
@single("-o", "--output", default="-", metavar="FILE", help="Write the findings to FILE (default: stdout).")
@check_reading_options
@normalize_options
def check(
    witnesses: tuple[str, ...],
    sigla: str | None,
    allow: tuple[str, ...],
    output_format: str,
    output: str,
    quiet: bool,
    **flags: Any,
) -> None:
    """Check that editions say the same thing (for CI): exit 0 if they agree, 1 if not.

    Findings point into the original files (PATH:LINE:COL: TYPE: message in the text
    format). The exit code is 1 whenever differences were found, even when the reader of
    stdout stops early.

    \b
    Examples:
      aligner check web.txt pdf.txt
      aligner check web.txt pdf.txt --allow gap,whitespace
      aligner check web.html plan.pdf --format sarif -o aligner.sarif
      aligner check web.txt pdf.txt --format github      # annotations in a GitHub workflow
    """
    from aligner.check import findings, render

    allowed = _allowed(allow)
    if len(witnesses) < 2:
        raise UsageError("check needs at least two witnesses")
    _one_stdin(witnesses)
    target = plan_outputs({"--output": output}, witnesses)["--output"]
    alignment = _align(witnesses, sigla, _options(flags), quiet)
    _warn(alignment.witnesses, quiet)
    found = findings(alignment, allowed)
    write_outputs([(target, render(found, alignment, output_format, quiet=quiet).encode("utf-8"))])
    sys.exit(1 if found else 0)


@main.command()
def profiles() -> None:
    """List the rule sets that --profile chooses from, and what each does.

    \b
    Example:
      aligner profiles
    """
    out("\n".join(PROFILES[name].describe() for name in PROFILES) + "\n")


@main.command()
@click.argument("file", type=str)
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
            _stderr(line)
        sys.exit(1)
    out(printable(f"{file}: valid") + "\n")


@main.command()
@click.argument("source", type=str)
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder for the results, one per document.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N", help="Local worker processes [default: the cores].")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask distributed cluster (e.g. tcp://host:8786).")
@click.option("--force", is_flag=True, help="Redo documents whose outputs are already up to date.")
@click.option("--html", "with_html", is_flag=True, help="Also write an HTML report per document.")
@click.option("--prune", is_flag=True, help="Remove results of documents that are no longer in the corpus.")
@click.option(
    "--confine/--no-confine",
    default=True,
    show_default=True,
    help="Refuse manifest witness paths outside the manifest's folder.",
)
@click.option("--no-orthographic", is_flag=True, help="Count variant character forms as substantive.")
@normalize_options  # for every document, over what the manifest says
def batch(
    source: str,
    out_dir: str,
    workers: int | None,
    scheduler: str | None,
    force: bool,
    with_html: bool,
    prune: bool,
    confine: bool,
    quiet: bool,
    **flags: Any,
) -> None:
    """Take a whole corpus through the pipeline: a manifest (JSON) or a folder of DOC/ folders of editions.

    Writes DIR/DOC_ID/alignment.json, alignment.csv and alignment.tei.xml (and alignment.html
    with --html) for each document, and DIR/summary.csv and DIR/summary.json; the files are
    byte for byte what 'aligner align' writes for the same witnesses. A bad document becomes an
    error row and the batch goes on (exit 2 at the end); a re-run skips documents whose
    inputs, options and outputs are unchanged. DIR may not be, contain or lie inside the
    corpus folder, and one batch at a time may write to it.

    \b
    Examples:
      aligner batch corpora/nhrap-2021-2025/manifest.json --out results
      aligner batch my-corpus/ --out results --workers 8 --html
      aligner batch manifest.json --out results --scheduler tcp://scheduler:8786
    """
    from aligner.batch import BatchOptions, run_cli

    treatment = (
        *((("profile", flags["profile"]),) if flags["profile"] else ()),
        *((name, False) for name in ("reflow", "spacing", "orthographic") if flags[f"no_{name}"]),
    )
    options = BatchOptions(
        workers=workers,
        scheduler=scheduler,
        force=force,
        html=with_html,
        prune=prune,
        confine=confine,
        treatment=treatment,
    )
    sys.exit(run_cli(source, out_dir, options, quiet=quiet, echo=out, warn=_stderr))


DEMO_FILES = ("web.normalized.txt", "pdf.normalized.txt", "alignment.json", "alignment.csv", "alignment.tei.xml")


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
    from aligner.resources import bundled_corpus

    out_path = Path(out_dir)
    try:
        out_path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(out_dir, *os_problem(err, "be created")) from None
    with bundled_corpus() as corpus:
        # Relative paths where possible: they go into every output, which should not name this machine.
        paths = [_relative(corpus / name) for name in ("web.txt", "pdf.txt")]
        names = {**{n: str(out_path / n) for n in DEMO_FILES}, "report.html": str(out_path / "report.html")}
        targets = plan_outputs(names, paths)
        alignment = _align(paths, None, Options(), True)
    texts = [(targets[f"{w.siglum}.normalized.txt"], (w.text + "\n").encode("utf-8")) for w in alignment.witnesses]
    exports = {"alignment.json": "json", "alignment.csv": "csv", "alignment.tei.xml": "tei", "report.html": "html"}
    write_outputs(texts + [(targets[name], EXPORTERS[kind].render(alignment)) for name, kind in exports.items()])
    if not quiet:
        from aligner.export.overview import render as overview

        out(printable_lines(overview(alignment)))
        out(printable(f"wrote {out_path}/: {' '.join((*DEMO_FILES, 'report.html'))}") + "\n")


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


if __name__ == "__main__":
    main()
