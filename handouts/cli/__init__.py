"""The ``handouts`` command: parses options, calls one library function, prints.

Exit codes: 0 done · 1 some rows failed (the others were written) · 2 usage or
input error, nothing written (also a CSV with no good row, or any bad row with
--strict) · 3 nothing could be written (output folder or disk full, or no good
row could be made) · 4 internal error (a bug: run again with --debug and report
it) · 128 + the signal's number when stopped: 130 Ctrl-C (SIGINT), 143 SIGTERM,
129 SIGHUP (no temporary file is left; a batch resumes when run again).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from handouts import __version__, clock
from handouts.cli.clinic import clinic as clinic_commands
from handouts.cli.common import EXIT_CODES_HELP, Context, reporting, sample_notice, stop_code, stoppable
from handouts.cli.read import read_command
from handouts.errors import EXIT_USAGE, ErrorList, HandoutError, InputError


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
@click.option("--data", metavar="DIR", envvar="HANDOUTS_DATA",
              help="A data folder looked in first (then your user data folder, then the bundled data).")
@click.option("--templates", metavar="DIR", envvar="HANDOUTS_TEMPLATES",
              help="Templates folder (default: your user data folder's templates/, else the bundled ones).")
@click.option("--debug", is_flag=True, help="Show a full traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, data: str | None, templates: str | None, debug: bool) -> None:
    """Print home-exercise handouts for low back pain.

    Example:

        handouts make --patient-id p-001 --name "Zoë Nguyễn" --diagnosis herniated-disc --phase acute
    """
    ctx.obj = Context(data, templates, debug)


#: The options a request cannot do without (make takes them from --from-plan instead).
REQUIRED_OPTIONS = ("patient_id", "name", "diagnosis", "phase")


def request_options(command: Callable[..., Any], *, required: bool = True) -> Callable[..., Any]:
    """The options that describe one patient's handout, shared by make, checklist and plan."""
    options = [
        click.option("--patient-id", required=required,
                     help="Patient id: letters, digits, '.', '_', '-' (names the file)."),
        click.option("--name", required=required, help="Patient's name as printed on the pages."),
        click.option("--diagnosis", required=required,
                     help="A diagnosis id of the protocols (see 'handouts protocols')."),
        click.option("--phase", required=required, help="A phase of care, e.g. acute (see 'handouts protocols')."),
        click.option("--exercises", help="Exercise ids replacing the protocol's set, e.g. 'prone-on-elbows,walking'."),
        click.option("--start-date", help="First day of the checklist, YYYY-MM-DD (default: today)."),
        click.option("--date-format", type=click.Choice(["DD/MM/YYYY", "MM/DD/YYYY"], case_sensitive=False),
                     help="Also accept a start date written this way."),
        click.option("--weeks", help="Checklist weeks, 1 to 12 (default 2)."),
        click.option("--clinic", help="Clinic id, a folder in data/clinics (default: the default clinic)."),
        click.option("--clinician", help="Physiotherapist's name, printed on the first page."),
        click.option("--language", help="Language of the handout (default: the clinic's)."),
        click.option("--paper", help="letter or a4 (default: the clinic's)."),
        click.option("--large-print", is_flag=True, help="Larger type for patients with poor eyesight."),
        click.option("--no-ladder", is_flag=True,
                     help="Leave out each card's easier and harder versions and build-up line."),
        click.option("--notes", help="Your notes for the patient, printed as typed."),
        click.option("--direction", metavar="extension|flexion|none",
                     help="The patient's preferred direction from your testing (default: the diagnosis's usual one)."),
        click.option("--leg-pain", metavar="yes|no", help="Whether the patient has pain down the leg."),
        click.option("--precautions", metavar="LIST",
                     help="The patient's precautions, e.g. osteoporosis (see 'handouts protocols')."),
        click.option("--dose", "doses", multiple=True, metavar="ID.FIELD=N",
                     help="Change a dose, e.g. --dose hamstring-stretch.hold=30 (repeatable)."),
        click.option("--allow-strengthening", "overrides", flag_value="allow_strengthening", multiple=True,
                     help="Keep strengthening in the acute phase."),
        click.option("--allow-direction", "overrides", flag_value="allow_direction", multiple=True,
                     help="Accept stretches against the patient's (or the diagnosis's usual) direction."),
        click.option("--skip-walking", "overrides", flag_value="skip_walking", multiple=True,
                     help="Leave walking out of the plan."),
        click.option("--allow-nerve-tension", "overrides", flag_value="allow_nerve_tension", multiple=True,
                     help="Keep the straight-leg strap stretch despite leg pain or sciatica."),
        click.option("--allow-end-range-flexion", "overrides", flag_value="allow_end_range_flexion", multiple=True,
                     help="Keep bending forward to the end of range despite osteoporosis."),
        click.option("--override", "overrides", multiple=True, metavar="NAME",
                     help="Set aside another rule the region's data names (repeatable)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Where and how the PDF is written, shared by make and checklist."""
    options = [
        click.option("-o", "--output", metavar="DIR|FILE.pdf",
                     help="A folder (created if missing) or a file ending in .pdf (default: output/)."),
        click.option("--force", is_flag=True, help="Replace an existing file."),
        click.option("--cover", type=click.Path(dir_okay=False, path_type=Path),
                     help="A cover PDF to put in front (default: the clinic's cover)."),
        click.option("--no-cover", is_flag=True, help="Leave the cover out."),
        click.option("--name-in-metadata", is_flag=True, help="Also put the patient's name in the PDF's metadata."),
        click.option("--duplex", is_flag=True, help="End on an even page count, for two-sided printing."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def password_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Encryption of the written PDFs; a password is never taken as a command-line value."""
    command = click.option("--password-env", metavar="VAR",
                           help="Encrypt with AES-256 using the password in environment variable VAR.")(command)
    return click.option("--password", "ask_password", is_flag=True,
                        help="Encrypt with AES-256; asks for the password (not shown, not stored).")(command)


def _password(options: dict[str, Any]) -> str | None:
    """The password asked for by --password or --password-env, or None."""
    variable = options.get("password_env")
    if options.get("ask_password") and variable:
        raise InputError("use --password or --password-env, not both")
    if variable:
        value = os.environ.get(variable, "")
        if not value:
            raise InputError(f"environment variable {variable} is not set or empty", key="--password-env")
        return value
    if options.get("ask_password"):
        if not sys.stdin.isatty():  # a script, a pipe or cron: nobody to type it, and nothing to type it into
            raise InputError("asks for the password at a terminal, and there is none here; put the password in an "
                             "environment variable and pass --password-env VARIABLE instead", key="--password")
        return str(click.prompt("Password for the PDF", hide_input=True, confirmation_prompt=True, err=True))
    return None


def _request(library: Any, options: dict[str, Any]) -> Any:
    from handouts.load.request_fields import FIELDS, build_request

    values = {f: options.get(f) for f in FIELDS if f not in ("large_print", "no_ladder")}
    values["large_print"] = "yes" if options.get("large_print") else "no"
    values["no_ladder"] = "yes" if options.get("no_ladder") else "no"
    return build_request(
        values, library.dataset, today=clock.today(), dose_changes=options.get("doses", ()),
        overrides=options.get("overrides", ()), date_format=options.get("date_format"), names=library.names(),
    )


def _print_warnings(plan: Any) -> None:
    from handouts.wording import COMMAND_LINE

    for warning in plan.warnings:
        click.echo(f"warning: {COMMAND_LINE.warning(warning)}", err=True)


#: Options that are not part of the request: where and how to print, the record to start from.
_NOT_REQUEST = {"output", "force", "cover", "no_cover", "name_in_metadata", "duplex", "password_env",
                "ask_password", "week", "from_plan"}


def _from_plan_alone(options: dict[str, Any]) -> None:
    """--from-plan takes the whole request from the record: refuse request options beside it, and
    without it ask for the options a request needs, as click would."""
    given = sorted(k for k, v in options.items() if k not in _NOT_REQUEST and v not in (None, False, (), ""))
    if options.get("from_plan") is not None:
        if given:
            raise click.UsageError(f"--from-plan takes the whole request from the record; leave out "
                                   f"{', '.join('--' + g.replace('_', '-') for g in given)} (or make it without "
                                   "--from-plan)")
        return
    for name in REQUIRED_OPTIONS:
        if not options.get(name):
            raise click.UsageError(f"Missing option '--{name.replace('_', '-')}' (or give --from-plan PLAN.json).")


def _write(obj: Context, kind: str, options: dict[str, Any]) -> None:
    from handouts.model.options import PrintOptions
    from handouts.run.handout import write_handout

    use_cover = not options["no_cover"]  # a checklist alone gets one only when named (make_handout)
    with reporting(obj.debug):
        if options["no_cover"] and options["cover"] is not None:
            raise InputError("use --cover FILE or --no-cover, not both", key="--no-cover")
        library = obj.library()
        made = document_id = None
        if options.get("from_plan") is not None:
            from handouts.load.plan_record import read_plan_record

            record = read_plan_record(options["from_plan"], library.dataset)
            request, made, document_id = record.request, record.made, record.document_id
        else:
            request = _request(library, options)
        printing = PrintOptions(kind=kind, use_cover=use_cover, cover=options["cover"], duplex=options["duplex"],
                                name_in_metadata=options["name_in_metadata"], password=_password(options),
                                week=options.get("week"), today=made, document_id=document_id)
        with stoppable():
            written = write_handout(request, options["output"], library=library, options=printing,
                                    force=options["force"])
        handout = written.handout
        _print_warnings(handout.plan)
        notice = sample_notice(handout.plan.clinic, cover=options["cover"])
        if notice:
            click.echo(notice, err=True)
        cover = f", {handout.cover_pages} cover" if handout.cover_pages else ""
        click.echo(f"wrote {written.path} ({handout.pages} pages{cover})")
        if written.record is not None:
            click.echo(f"wrote {written.record} (the plan record: 'handouts make --from-plan' makes it again)")


@cli.command()
@functools.partial(request_options, required=False)
@output_options
@password_options
@click.option("--from-plan", type=click.Path(dir_okay=False, path_type=Path), metavar="PLAN.json",
              help="Make the handout a plan record describes (the .plan.json written beside each handout).")
@click.pass_obj
def make(obj: Context, **options: Any) -> None:
    """Make one patient's handout: cover, exercises, safety notes and checklist.

    Warnings about the plan go to stderr; the file name is the patient id. Beside the PDF goes
    its plan record, <patient-id>.plan.json: --from-plan makes the same handout from it.

    Example:

        handouts make --patient-id p-001 --name "Zoë Nguyễn" --diagnosis herniated-disc --phase acute -o output/
    """
    _from_plan_alone(options)
    _write(obj, "handout", options)


@cli.command()
@request_options
@output_options
@password_options
@click.option("--week", type=click.IntRange(1, 12), metavar="N",
              help="Only week N of the plan (1 to 12), dated from --start-date: next week's sheet.")
@click.pass_obj
def checklist(obj: Context, **options: Any) -> None:
    """Print the weekly checklist alone, for a patient who has the exercise pages.

    Writes <patient-id>-checklist.pdf (with --week 3, <patient-id>-checklist-week3.pdf)
    unless -o names a .pdf file; no cover unless --cover names one. Give the same
    options as the handout, so week N has the plan's exercises and real dates.

    Example:

        handouts checklist --patient-id p-001 --name "Zoë Nguyễn" --diagnosis nonspecific --phase subacute --start-date 2026-12-07 --week 3
    """
    _write(obj, "checklist", options)


@cli.command()
@request_options
@click.pass_obj
def plan(obj: Context, **options: Any) -> None:
    """Show the exercises, doses and warnings a handout would have, without writing it.

    Example:

        handouts plan --patient-id p-001 --name Test --diagnosis spinal-stenosis --phase subacute
    """
    from handouts.report.describe import describe_plan
    from handouts.rules.plan import make_plan

    with reporting(obj.debug):
        library = obj.library()
        made = make_plan(_request(library, options), library.dataset, today=clock.today())
        click.echo(describe_plan(made))
        _print_warnings(made)


@cli.command("next")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--adherence", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv",
              help="What the patient ticked: patient_id, date, exercise_id, sessions_planned, sessions_ticked "
                   "(and optionally pain, walking_minutes).")
@click.option("--pain", metavar="N,N,...", help="Daily pain scores from 0 to 10, oldest first, if the CSV has none.")
@click.option("--accept", is_flag=True, help="Make the next handout (and its plan record) with the changes.")
@click.option("--only", metavar="ID,ID", help="Make only the changes to these exercises (their ids are listed under the diff).")
@click.option("--skip", metavar="ID,ID", help="Make every change but those to these exercises.")
@click.option("--start-date", help="First day of the next checklist (default: the day after the last plan's).")
@click.option("-o", "--output", metavar="DIR|FILE.pdf", help="Where the accepted handout goes (default: output/).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.pass_obj
def next_plan(obj: Context, plan_file: Path, adherence: Path | None, pain: str | None, accept: bool,
              only: str | None, skip: str | None, start_date: str | None, output: str | None, force: bool) -> None:
    """Propose the next plan from a plan record and what the patient ticked, as a diff.

    Harder versions where the sessions were done and the pain fell, easier ones where the pain rose
    or sessions were skipped, doses moved up their build-up, the next phase only as a question.
    Nothing is written until --accept. To make some changes only, name their exercises with --only
    or --skip (ids of the last plan, listed under the diff).

    Example:

        handouts next p-001.plan.json --adherence a.csv --accept --skip walking
    """
    from handouts.load import fields
    from handouts.model.options import PrintOptions
    from handouts.rules.progress import describe_change, exercise_name, pickable, picked
    from handouts.run.handout import write_handout
    from handouts.run.next_plan import next_request, propose_next

    with reporting(obj.debug):
        if only is not None and skip is not None:
            raise InputError("pick the changes with one of --only or --skip, not both", key="--only")
        library = obj.library()
        scores = _parsed(fields.pain_scores, pain, "--pain") if pain else ()
        first_day = _parsed(fields.iso_date, start_date, "--start-date") if start_date else None
        found = propose_next(plan_file, library=library, adherence=adherence, pain=scores)
        names = only if only is not None else skip
        chosen = found.changes if names is None else picked(
            found.changes, _parsed(fields.id_list, names, "--only" if only is not None else "--skip"),
            leave_out=skip is not None, key="--only" if only is not None else "--skip")
        for change in found.changes:
            left_out = change.applies and change not in chosen
            click.echo(("(left out) " if left_out else "") + describe_change(change, library.dataset, found.last))
        open_ = pickable(found.changes)
        if not accept:
            if open_:
                click.echo("to make some changes only, add --only or --skip with their exercise ids: " + ", ".join(
                    f"{i} ({exercise_name(library.dataset, i, found.last.language)})" for i in open_), err=True)
            click.echo("nothing written; run again with --accept to make the next handout", err=True)
            return
        request = next_request(found, chosen, start_date=first_day)
        written = write_handout(request, output, library=library, options=PrintOptions(), force=force)
        _print_warnings(written.handout.plan)
        made = sum(1 for c in chosen if c.applies)
        click.echo(f"wrote {written.path} ({written.handout.pages} pages, {made} of {len(open_)} changes made) "
                   f"and {written.record}")


def _parsed(parse: Callable[[str], Any], text: str, option: str) -> Any:
    """``parse(text)``, its ValueError named with the option."""
    try:
        return parse(text)
    except ValueError as exc:
        raise InputError(str(exc), key=option) from None


@cli.group(invoke_without_command=True)
@click.pass_context
def exercises(ctx: click.Context) -> None:
    """List the exercises in the dataset (id, kind, direction, name).

    Example:

        handouts exercises
    """
    if ctx.invoked_subcommand is not None:
        return
    from handouts.report.describe import describe_exercises

    obj: Context = ctx.obj
    with reporting(obj.debug):
        click.echo(describe_exercises(obj.library().dataset))


@cli.command()
@click.pass_obj
def protocols(obj: Context) -> None:
    """List the diagnoses, their default exercises in each phase, and the rules every plan follows.

    Example:

        handouts protocols
    """
    from handouts.report.describe import describe_protocols

    with reporting(obj.debug):
        click.echo(describe_protocols(obj.library().dataset))


@exercises.command("show")
@click.argument("exercise_id")
@click.option("--language", default="en", show_default=True, help="Language of the text shown.")
@click.option("--picture", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the exercise's picture alone to this .png, .svg or .pdf file.")
@click.option("--mirrored", is_flag=True, help="Draw the picture for the other side.")
@click.option("--force", is_flag=True, help="Replace an existing picture file.")
@click.pass_obj
def exercises_show(obj: Context, exercise_id: str, language: str, picture: Path | None, mirrored: bool,
                   force: bool) -> None:
    """Show one exercise: steps, dose, cautions and where it comes from.

    With --picture, draw its figure alone, so a clinic can review the drawings.

    Example:

        handouts exercises show double-knee-to-chest --picture knee.png
    """
    from handouts.report.describe import describe_exercise

    with reporting(obj.debug):
        dataset = obj.library().dataset
        exercise = dataset.exercise(exercise_id)
        click.echo(describe_exercise(exercise, language if language in dataset.languages else dataset.languages[0],
                                     sources=dataset.region.sources))
        if picture is not None:
            from handouts.render.pdf.figures import write_figure
            from handouts.run.output import write_atomic

            if exercise.illustration is None:
                raise InputError(f"{exercise_id} has no illustration in {exercise.path}")
            data = write_figure(exercise.illustration, picture.suffix, mirrored=mirrored)
            write_atomic(picture, data, force=force)
            click.echo(f"wrote {picture}")


@cli.command()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the PDFs and manifest.csv (created if missing).")
@click.option("--workers", type=click.IntRange(1, 64), help="Processes to render with (default: one per CPU).")
@click.option("--strict", is_flag=True, help="Write nothing if any row is bad (exit 2).")
@click.option("--force", is_flag=True,
              help="Replace files this batch cannot vouch for (a changed row's PDF, a file made elsewhere, a foreign "
                   "manifest.csv or print file). Finished handouts are still skipped.")
@click.option("--combined", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every handout, in CSV order, into this one PDF for the printer.")
@click.option("--duplex", is_flag=True, help="End each handout on an even page count, for two-sided printing.")
@click.option("--date-format", type=click.Choice(["DD/MM/YYYY", "MM/DD/YYYY"], case_sensitive=False),
              help="Accept start dates written this way (YYYY-MM-DD is always accepted).")
@click.option("--no-cover", is_flag=True, help="Leave the clinic's cover out.")
@click.option("--columns", type=click.Path(dir_okay=False, path_type=Path), metavar="MAP.yaml",
              help="Which column holds which field, e.g. 'patient_id: MRN' (default: the clinic's columns:).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of text.")
@password_options
@click.pass_obj
def batch(obj: Context, csv_file: Path, output: Path, workers: int | None, strict: bool, force: bool,
          combined: Path | None, duplex: bool, date_format: str | None, no_cover: bool, columns: Path | None,
          quiet: bool, as_json: bool, **secret: Any) -> None:
    """Make a handout for every row of a patients CSV, then manifest.csv and a summary.

    Every row is checked first; bad rows are listed with their line and column and
    the good ones are still made (exit 1), unless --strict. Run the same command
    again to resume a stopped batch: finished handouts are skipped, and a print
    file that already holds them is left as it is. Several CSVs may share one
    output folder: its journal knows which batch made which file. An export
    from a scheduling system works as it is: usual column names (MRN, First
    Name + Last Name, Dx...) are understood, and --columns names the others.

    Example:

        handouts batch export.csv --columns mapping.yaml --combined output/print.pdf
    """
    from handouts.model.options import PrintOptions
    from handouts.report.describe import batch_json, batch_summary, refused_json, refused_summary
    from handouts.run.batch import BatchOptions, run
    from handouts.run.results import BatchRefused
    from handouts.wording import COMMAND_LINE

    with reporting(obj.debug):
        password = _password(secret)
        if password and combined:
            raise InputError("a combined print file would not be encrypted; leave out --combined or the password")
        printing = PrintOptions(use_cover=not no_cover, duplex=duplex, password=password)
        options = BatchOptions(output=output, workers=workers, strict=strict, force=force, combined=combined,
                               date_format=date_format, printing=printing,
                               data=Path(obj.data) if obj.data else None,
                               templates=Path(obj.templates) if obj.templates else None, columns=columns)
        show_bar = not quiet and not as_json and sys.stderr.isatty()
        try:
            with stoppable(), _progress_bar(show_bar) as advance:
                result = run(csv_file, options, progress=advance)
        except BatchRefused as refused:
            for error in refused.errors:
                click.echo(f"error: {COMMAND_LINE.error(error)}", err=True)
            click.echo(refused_json(refused) if as_json else refused_summary(refused))
            sys.exit(EXIT_USAGE)
        notice = sample_notice(obj.library().dataset.clinic(None))
        for note in [*result.notes, *([notice.removeprefix("note: ")] if notice else [])]:
            click.echo(f"note: {note}", err=True)
        for line in _row_messages(result.attention, csv_file.name):
            click.echo(line, err=True)
        click.echo(batch_json(result) if as_json else batch_summary(result))
        sys.exit(result.exit_code)


#: The same warning on more rows than this is said once, with its lines.
SAME_WARNING_ROWS = 3


def _row_messages(rows: list[Any], name: str) -> list[str]:
    """The warning and error lines of a batch's rows, in CSV order. A warning many rows share (a column the
    file lacks, say) is one line naming the rows, not a screenful of the same words."""
    lines_of: dict[str, list[int]] = {}
    for row in rows:
        for warning in row.warnings:
            lines_of.setdefault(warning, []).append(row.line)
    said: set[str] = set()
    out = []
    for row in rows:
        for warning in row.warnings:
            lines = lines_of[warning]
            if len(lines) <= SAME_WARNING_ROWS:
                out.append(f"warning: {name}:{row.line}: {warning}")
            elif warning not in said:
                said.add(warning)
                shown = ", ".join(str(n) for n in lines[:10]) + (", ..." if len(lines) > 10 else "")
                out.append(f"warning: {name}: {len(lines)} rows (lines {shown}): {warning}")
        if not row.ok:
            out.append(f"error: {name}:{row.line}: {row.message}")
    return out


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[Any, int], None] | None]:
    """A progress callback drawing a bar on stderr, or None when there is no terminal."""
    if not enabled:
        yield None
        return
    bar: Any = None

    def advance(row: Any, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="making handouts", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(1)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("pdf_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--large-print", is_flag=True, help="Require large-print sizes (16 pt and up).")
@click.option("--password-env", metavar="VAR", help="Open encrypted handouts with the password in environment "
              "variable VAR.")
@click.pass_obj
def check(obj: Context, pdf_files: tuple[Path, ...], large_print: bool, password_env: str | None) -> None:
    """Measure finished handouts as a patient would feel them.

    Smallest text size, fonts embedded, reading level of the instructions,
    exercise cards and checklist weeks kept whole, safety warnings present, page
    count and how full each page is (a half-empty page that no card, week or box
    forced fails, except in large print). The clinic's cover pages are reported
    apart and not judged. With several files, a table of pages ends the report.
    Exits 1 if any file fails a measure.

    Example:

        handouts check output/p-0001.pdf output/p-0002.pdf
    """
    from handouts.render.pdf.styles import LARGE_BODY_SIZE
    from handouts.report.check import check_pdf, format_pages, format_report, pdf_language

    with reporting(obj.debug):
        library = obj.library()
        password = _password({"password_env": password_env})
        reports = []
        for path in pdf_files:
            language = pdf_language(path, password=password)
            phrases = library.templates(language).labels["safety_phrases"] \
                if language in library.dataset.languages else []
            report = check_pdf(path, min_size=LARGE_BODY_SIZE if large_print else 12.0, safety_phrases=phrases,
                               page_targets=not large_print, password=password)
            click.echo(format_report(report))
            reports.append(report)
        if len(reports) > 1:
            click.echo(format_pages(reports))
        sys.exit(0 if all(r.ok for r in reports) else 1)


@cli.command()
@click.pass_obj
def validate(obj: Context) -> None:
    """Check the dataset, every clinic and every template; list all problems.

    Checks every folder data is looked in: --data (or HANDOUTS_DATA), your user
    data folder (where 'handouts clinic init' writes) and the bundled data.

    Example:

        handouts --data my-clinic-data validate
    """
    from handouts.render.pdf.cover import load_cover

    with reporting(obj.debug):
        library = obj.library()
        problems: list[HandoutError] = list(library.check_templates())
        for clinic in library.dataset.clinics.values():
            for cover in {c for c in clinic.covers.values() if c is not None}:
                try:
                    load_cover(cover)
                except HandoutError as exc:
                    problems.append(exc)
        if problems:
            raise ErrorList(problems)
        dataset = library.dataset
        click.echo(f"ok: {len(dataset.exercises)} exercises, {len(dataset.protocols)} diagnoses, "
                   f"{len(dataset.clinics)} clinics, languages {', '.join(dataset.languages)}")
        click.echo(f"data looked for in: {', '.join(str(root) for root in dataset.roots)}; "
                   f"templates: {library.templates_root}")
        default = dataset.clinic(None)
        click.echo(f"default clinic: {default.id} ({default.name})"
                   + (" — the fictional sample; run 'handouts clinic init'" if default.sample else ""))


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine (127.0.0.1) needs --token.")
@click.option("--token", envvar="HANDOUTS_TOKEN", metavar="TEXT",
              help="Access token every request must carry, 16 characters or more (or HANDOUTS_TOKEN).")
@click.option("--open", "open_browser", is_flag=True, help="Open the form in your web browser.")
@click.pass_obj
def serve(obj: Context, port: int, host: str, token: str | None, open_browser: bool) -> None:
    """Run the web form on this machine: make, preview and print handouts in a browser.

    Patient data stays on this machine and nothing is kept after a page or PDF
    is made. Stop with Ctrl+C.

    Example:

        handouts serve --open
    """
    from handouts.web.server import serve as run_server

    with reporting(obj.debug):
        clock.today()  # a bad HANDOUTS_TODAY is refused here, before the server, not on every page it serves
        notice = sample_notice(obj.library().dataset.clinic(None))
        if notice:
            click.echo(notice)  # beside the address the server prints
        run_server(host=host, port=port, token=token or None, open_browser=open_browser, data=obj.data,
                   templates=obj.templates, echo=click.echo)


cli.add_command(clinic_commands)
cli.add_command(read_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code (for tests and the console script)."""
    try:
        cli.main(args=argv, prog_name="handouts", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort as exc:
        code = stop_code(exc)
        click.echo(f"stopped ({signal.Signals(code - 128).name}); no temporary file is left behind. "
                   "A batch resumes where it stopped when the same command is run again.", err=True)
        return code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0

