"""Hostile and broken input, by where it comes from: each case names the error kind it must
raise and checks that nothing else was written or lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from helpers import pdf_text
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from handouts.compose.templates import load_templates
from handouts.errors import CoverError, DataError, ErrorList, HandoutError, InputError, OutputError, OutputExistsError
from handouts.load import fields
from handouts.load.patients_csv import read_patients
from handouts.load.yamlio import load_yaml
from handouts.model import Patient
from handouts.model.options import PrintOptions
from handouts.render.pdf import cover as cover_module
from handouts.render.pdf.cover import load_cover
from handouts.run.batch import BatchOptions, run
from handouts.run.handout import make_handout, write_handout
from handouts.run.journal import JOURNAL
from handouts.run.library import open_library
from handouts.run.output import write_atomic

HEADER = "patient_id,name,diagnosis,phase,start_date,weeks,exercises,language,large_print,notes,clinic\n"
GOOD = "good,Ann,nonspecific,acute,2026-12-07,1,,,,,\n"


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


# ---------------------------------------------------------------- CSV rows

ROW_CASES = [
    ("unknown-diagnosis", "x1,Bo,slipped-disc,acute,,,,,,,", "column 'diagnosis': unknown diagnosis 'slipped-disc'"),
    ("misspelt-phase", "x1,Bo,nonspecific,accute,,,,,,,", "column 'phase': 'accute' is not one of acute"),
    ("empty-name", "x1,,nonspecific,acute,,,,,,,", "column 'name': is required and empty"),
    ("empty-id", ",Bo,nonspecific,acute,,,,,,,", "column 'patient_id': is required and empty"),
    ("dot-dot-id", "..,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': '..' may not start with"),
    ("slash-id", "a/b,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': 'a/b' is not a safe id"),
    ("backslash-id", "a\\b,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': 'a\\\\b' is not a safe id"),
    ("device-id", "NUL,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': 'NUL' is a name Windows reserves"),
    ("device-id-ext", "con.pdf,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': 'con.pdf' is a name Windows"),
    ("duplicate-id-case", "GOOD,Bo,nonspecific,acute,,,,,,,", "column 'patient_id': 'GOOD' is already used on line 2"),
    ("ambiguous-date", "x1,Bo,nonspecific,acute,03/04/2026,,,,,,", "column 'start_date': '03/04/2026' is ambiguous"),
    ("impossible-date", "x1,Bo,nonspecific,acute,2026-02-30,,,,,,", "column 'start_date': '2026-02-30' is not a real"),
    ("weeks-too-many", "x1,Bo,nonspecific,acute,,13,,,,,", "column 'weeks': '13' is not a whole number from 1 to 12"),
    ("unknown-exercise", "x1,Bo,nonspecific,acute,,,sit-ups,,,,", "column 'exercises': unknown exercise 'sit-ups'"),
    ("unknown-language", "x1,Bo,nonspecific,acute,,,,fr,,,", "column 'language': unknown language 'fr'"),
    ("bad-yes-no", "x1,Bo,nonspecific,acute,,,,,maybe,,", "column 'large_print': 'maybe' is not yes or no"),
    ("unknown-clinic", "x1,Bo,nonspecific,acute,,,,,,,elsewhere", "column 'clinic': unknown clinic 'elsewhere'"),
    ("sciatica-no-set", "x1,Bo,sciatica,acute,,,,,,,", "there is no default exercise set for sciatica"),
    ("long-name", "x1," + "N" * 200 + ",nonspecific,acute,,,,,,,", "column 'name': is 200 characters long"),
    ("unquoted-separator", "x1,Garcia, Maria,nonspecific,acute,,,,,,,sample",
     "this row has 12 cells but the header has 11 columns; put quotes around any cell that contains ','"),
    ("long-notes", "x1,Bo,nonspecific,acute,,,,,," + "n" * 2500 + ",", "column 'notes': is 2500 characters long"),
    # issue 13 #11: a cell longer than the csv module's default limit is one row's problem, not the file's
    ("cell-over-131072", "x1,Bo,nonspecific,acute,,,,,," + "n" * 200_000 + ",",
     "column 'notes': is 200000 characters long; 2000 at most"),
    # issue 13 #12: never cut short, and the real length is told
    ("name-6000", "x1," + "N" * 6000 + ",nonspecific,acute,,,,,,,", "column 'name': is 6000 characters long"),
    ("exercises-6000", "x1,Bo,nonspecific,maintenance,,," + "walking;" * 750 + ",,,,",
     "column 'exercises': is 6000 characters long; 5000 at most"),
    # issue 13 #13: a name that prints as nothing, or as replacement marks
    ("name-invisible", "x1,\u200b\u200d\u2060\x07 ,nonspecific,acute,,,,,,,",
     "column 'name': '\\u200b\\u200d\\u2060\\x07' has no letters once spaces, invisible and control characters "
     "are set aside; type the name as it should print"),
    ("name-no-glyph", "x1,李小龙,nonspecific,acute,,,,,,,",
     "column 'name': has 3 letters the handout's font (DejaVu Sans) cannot print (the first is letter 1 of the "
     "name); write it with letters it has"),
    ("notes-emoji", "x1,Bo,nonspecific,acute,,,,,,Well done 👍🏽,",
     "column 'notes': has letters the handout's font (DejaVu Sans) cannot print: 👍 (U+1F44D), 🏽 (U+1F3FD); leave "
     "them out or say it in words"),
    # issue 13 #14: a date off the calendar a checklist can print
    ("date-9999", "x1,Bo,nonspecific,acute,9999-12-31,,,,,,",
     "column 'start_date': '9999-12-31' is outside the years 2000 to 2100; check the year"),
    ("date-1900", "x1,Bo,nonspecific,acute,1900-01-01,,,,,,", "column 'start_date': '1900-01-01' is outside the years"),
    # issue 13 #15: digits a spreadsheet shows but int() does not take
    ("weeks-superscript", "x1,Bo,nonspecific,acute,,²,,,,,",
     "column 'weeks': '²' is not a whole number from 1 to 12; write it with the digits 0 to 9, e.g. 2"),
    ("weeks-arabic-digit", "x1,Bo,nonspecific,acute,,٣,,,,,", "column 'weeks': '٣' is not a whole number"),
]


@pytest.mark.parametrize(("row", "message"), [pytest.param(r, m, id=i) for i, r, m in ROW_CASES])
def test_bad_csv_row_fails_alone(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD + row + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(path, BatchOptions(output=out, workers=1, printing=PrintOptions(use_cover=False)))
    good, bad = result.rows
    assert good.status == "written" and bad.status == "invalid"
    assert message in bad.message, bad.message
    assert listing(out) == [JOURNAL, "good.layout.json", "good.pdf", "good.plan.json", "manifest.csv"]


FILE_CASES = [
    ("empty", b"", "the file is empty"),
    ("blank-lines-only", b"\n\n \n", "the file is empty"),
    ("header-only", HEADER.encode(), "the file has a header but no patient rows"),
    ("no-required-columns", b"id;who\n1;Ann\n", "the header has no 'patient_id', 'name', 'diagnosis', 'phase' column"),
    ("spreadsheet-binary", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a text CSV file"),
    ("old-excel-workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "spreadsheet workbook"),
    ("binary", bytes(range(256)) * 8, "not a text CSV file"),
    ("repeated-column", b"patient_id,name,diagnosis,phase,Phase\n", "the header repeats column phase"),
    # a row pasted in from a Windows program into a UTF-8 file: read as Windows text, 'Zoë' prints 'ZoÃ«'
    ("mixed-encodings", (HEADER + "z1,Zoë Nguyễn,nonspecific,acute,,,,,,,\n").encode()
     + "r1,Renée Côté,nonspecific,acute,,,,,,,\n".encode("cp1252"),
     "line 3 is not UTF-8 text, though the lines with accented letters before or after it are"),
]


@pytest.mark.parametrize(("data", "message"), [pytest.param(d, m, id=i) for i, d, m in FILE_CASES])
def test_bad_csv_file_writes_nothing(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "patients.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        run(path, BatchOptions(output=tmp_path / "out", workers=1))
    assert not (tmp_path / "out").exists()


def _special_file(folder: Path, kind: str) -> Path:
    """A path that is not a regular file: a device that never ends, or a named pipe with no writer.
    (A folder is refused by the command line's own option check.)"""
    if kind == "dev-zero":
        return Path("/dev/zero")
    path = folder / f"{kind}-input"
    os.mkfifo(path)
    return path


SPECIAL_FILES = [pytest.param(kind, id=kind) for kind in ("dev-zero", "fifo")]


def _handouts(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command line in its own process; ``timeout`` only guards the suite against a hang."""
    return subprocess.run([sys.executable, "-m", "handouts.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("kind", SPECIAL_FILES)
def test_a_csv_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """issue 13 #16: /dev/zero read without end, a pipe waited for a writer forever."""
    path = _special_file(tmp_path, kind)
    done = _handouts("batch", str(path), "-o", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: {path}: this is not a regular file (a device, a pipe or a socket); give the path "
                           "of a saved file\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("kind", SPECIAL_FILES)
def test_a_cover_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """issue 13 #16, for the cover: refused by what it is, before a byte is read."""
    path = _special_file(tmp_path, kind)
    done = _handouts("make", "--patient-id", "c1", "--name", "Ann", "--diagnosis", "nonspecific", "--phase", "acute",
                     "--cover", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert f"error: {path.resolve()}: this is " in done.stderr and "give the path of a saved file" in done.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- values typed on the command line


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--name", "Ana 李小龙"], "error: --name: has 3 letters the handout's font (DejaVu Sans) cannot "
                 "print (the first is letter 5 of the name); write it with letters it has, e.g. in Latin letters as "
                 "on the patient's ID", id="name-no-glyph"),
    pytest.param(["--name", "\u200b\u2060"], "error: --name: '\\u200b\\u2060' has no letters", id="name-invisible"),
    pytest.param(["--start-date", "9999-12-31"], "error: --start-date: '9999-12-31' is outside the years 2000 to "
                 "2100; check the year", id="date-9999"),
    pytest.param(["--weeks", "²"], "error: --weeks: '²' is not a whole number from 1 to 12; write it with the digits "
                 "0 to 9, e.g. 2", id="weeks-superscript"),
])
def test_make_refuses_values_that_cannot_print_with_a_one_line_message(tmp_path: Path, args: list[str],
                                                                       message: str) -> None:
    """issue 13 #13, #14, #15 from the command line: exit 2, one line, nothing written, no traceback."""
    from click.testing import CliRunner

    from handouts.cli import cli

    base = {"--patient-id": "c1", "--name": "Ann", "--diagnosis": "nonspecific", "--phase": "acute"}
    base.update(dict(zip(args[::2], args[1::2])))
    result = CliRunner().invoke(cli, ["make", *[v for pair in base.items() for v in pair], "--no-cover",
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_the_web_form_words_a_date_off_the_calendar_beside_its_field() -> None:
    """issue 13 #14 on the web: the form says what is wrong, no HTTP 500."""
    from handouts.web import create_app
    from handouts.web.security import CSRF_FIELD

    app = create_app()
    app.testing = True
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    form = {"patient_id": "w1", "name": "Ann", "diagnosis": "nonspecific", "phase": "maintenance",
            "start_date": "9999-12-31", "weeks": "2", "action": "download", CSRF_FIELD: token}
    response = client.post("/", data=form)
    assert response.status_code == 422
    beside = re.search(r'id="start_date-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert beside and beside.group(1).replace("&#39;", "'") == ("'9999-12-31' is outside the years 2000 to 2100; "
                                                                "check the year.")


@pytest.mark.parametrize(("written", "meant"), [
    pytest.param("12/14/2026", date(2026, 12, 14), id="month-first"),
    pytest.param("13/11/2026", date(2026, 11, 13), id="day-first"),
    pytest.param("2026-12-07", date(2026, 12, 7), id="iso"),
])
def test_a_date_with_one_real_reading_is_not_ambiguous(written: str, meant: date) -> None:
    """issue 13 #20: 12/14/2026 and 13/11/2026 can only be one day; 03/04/2026 could be two."""
    assert fields.iso_date(written) == meant
    with pytest.raises(fields.AmbiguousDate, match="'03/04/2026' is ambiguous"):
        fields.iso_date("03/04/2026")


@pytest.mark.parametrize("command", ["make", "checklist", "plan"])
def test_every_command_that_suggests_date_format_takes_it(tmp_path: Path, command: str) -> None:
    """issue 13 #20: the message said 'pass --date-format' to commands that had no such option."""
    from click.testing import CliRunner

    from handouts.cli import cli

    request = [command, "--patient-id", "d1", "--name", "Ann", "--diagnosis", "nonspecific", "--phase", "acute",
               "--start-date", "03/04/2026"]
    writes = [] if command == "plan" else ["--no-cover", "-o", str(tmp_path / "out")]
    refused = CliRunner().invoke(cli, [*request, *writes])
    assert refused.exit_code == 2
    assert refused.stderr == ("error: --start-date: '03/04/2026' is ambiguous; write it as YYYY-MM-DD "
                              "(pass --date-format DD/MM/YYYY or MM/DD/YYYY)\n")
    made = CliRunner().invoke(cli, [*request, *writes, "--date-format", "DD/MM/YYYY"])
    assert made.exit_code == 0, made.output
    if command != "plan":
        (pdf,) = (tmp_path / "out").glob("*.pdf")
        assert "Fri 3 Apr" in pdf_text(pdf.read_bytes())  # 3 April, day first as asked


def test_every_override_is_a_csv_column_and_batch_names_the_column(tmp_path: Path) -> None:
    """issue 13 #20: the batch said 'pass --skip-walking' (it has no such flag) and ignored the column."""
    from click.testing import CliRunner

    from handouts.cli import cli

    path = tmp_path / "patients.csv"
    path.write_text("patient_id,name,diagnosis,phase,exercises,allow_strengthening,skip_walking\n"
                    'o1,Ann,nonspecific,acute,"double-knee-to-chest,low-back-bridge",,\n'
                    'o2,Bo,nonspecific,acute,"double-knee-to-chest,low-back-bridge",yes,\n'
                    "o3,Cy,nonspecific,subacute,double-knee-to-chest,,yes\n"
                    "o4,Di,nonspecific,subacute,double-knee-to-chest,,\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["batch", str(path), "-o", str(tmp_path / "out"), "--workers", "1", "--no-cover"])
    assert done.exit_code == 0, done.output
    assert [line for line in done.stderr.splitlines() if not line.startswith("note:")] == [
        "warning: patients.csv:2: acute phase is stretching only: removed low-back-bridge "
        "(set the allow_strengthening column to yes)",
        "warning: patients.csv:2: added walking: part of every acute plan (set the skip_walking column to yes)",
        "warning: patients.csv:3: acute phase: keeping strengthening (low-back-bridge) as you allowed",
        "warning: patients.csv:3: added walking: part of every acute plan (set the skip_walking column to yes)",
        "warning: patients.csv:4: walking left out as you asked; it is linked with fewer recurrences of back pain",
        "warning: patients.csv:5: added walking: part of every subacute plan (set the skip_walking column to yes)",
    ]  # no "ignoring columns", no "pass --..." the batch has no flag for


# ---------------------------------------------------------------- text that reaches ReportLab

TEXT_CASES = [
    ("control-characters", "Ann\x00\x07\x1b[31mRed\x7f", "Ann"),
    ("right-to-left-override", "Ann \u202eevil\u202c Lee", "Ann evil Lee"),
    ("long-word", "W" * 3000, "WWWW"),
    ("combining-marks", "Ze\u0301e\u0301\u0302\u0303 Lee", "Zé"),
    ("markup", '<para><font size="1">tiny</font></para> &amp; <a href="javascript:x">x</a>', "<para><font size"),
    ("markdown", "# **Heading** - item ::: box emergency", "# **Heading** - item ::: box emergency"),
]


@pytest.mark.parametrize(("name", "expected"), [pytest.param(n, e, id=i) for i, n, e in TEXT_CASES])
def test_hostile_text_prints_without_breaking_the_layout(library, request_for, name: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(patient=Patient("t1", name[:120]), notes=name * 2), library=library, options=PrintOptions(use_cover=False))
    text = pdf_text(handout.pdf)
    assert expected in text
    assert "\u202e" not in text and "\x00" not in text
    assert "Go to a hospital emergency department now" in text  # the structure is intact


# ---------------------------------------------------------------- templates and YAML

TEMPLATE_CASES = [
    ("dunder", "{{ patient.__class__.__bases__ }}", "handout.md.j2:1"),
    ("mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "handout.md.j2:1"),
    ("globals", "{{ labels.items.__globals__ }}", "handout.md.j2:1"),
    ("mutation", "{{ exercises.append(1) }}", "handout.md.j2:1"),
    ("huge-range", "{% for i in range(100000) %}x{% endfor %}", "handout.md.j2:1: the template failed: OverflowError"),
    ("nested-loops", "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
                     "{% endfor %}{% endfor %}{% endfor %}", "ran for more than"),
    ("recursion", "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}", "RecursionError"),
    ("huge-output", "{{ 'x' * 300000 }}", "the template wrote 300,000 characters"),
    ("unclosed-box", "::: box safety\nno end", "box 'safety' is never closed"),
    ("syntax", "{% for %}", "handout.md.j2:1: template syntax"),
]


@pytest.mark.parametrize(("source", "message"), [pytest.param(s, m, id=i) for i, s, m in TEMPLATE_CASES])
def test_bad_template_is_a_data_error_naming_it(templates_copy: Path, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                source: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.compose import templates as text

    monkeypatch.setattr(text, "RENDER_SECONDS", 1.0)
    (templates_copy / "en" / "handout.md.j2").write_text(source, encoding="utf-8")
    load_templates.cache_clear()
    try:
        library = open_library(None, templates_copy)
        started = time.monotonic()
        with pytest.raises(DataError) as caught:
            write_handout(request_for(), tmp_path / "out", library=library, options=PrintOptions(use_cover=False))
        assert time.monotonic() - started < 10
    finally:
        load_templates.cache_clear()
    assert "handout.md.j2" in str(caught.value) and message in str(caught.value), str(caught.value)
    assert not (tmp_path / "out").exists()


def _guarded(action: Callable[[], object], seconds: float = 120) -> BaseException | None:
    """Run ``action`` in another thread and return what it raised. ``seconds`` only guards the suite:
    a template that is not stopped would run for minutes or hours, and the thread would still be alive."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            action()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the template was not stopped"
    return outcome[0]


@pytest.mark.parametrize(("source", "message"), [
    pytest.param("{{ 9 ** (9 ** 9) }}", "handout.md.j2:1: the template tried something unsafe and was stopped: the "
                 "template tried to make a number too large to print", id="power-tower"),
    pytest.param("{{ (10 ** 100) * (10 ** 4000) }}", "tried to make a number too large to print", id="huge-product"),
    pytest.param("{{ 'x' * 10 ** 8 }}", "tried to repeat text more than 1,000,000 times its length", id="huge-repeat"),
    pytest.param("{{ '{:>999999999}'.format(1) }}", "str.format is not available in handout templates", id="format"),
])
def test_a_template_cannot_build_a_huge_number_or_string(templates_copy: Path, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          source: str, message: str) -> None:
    """issue 13 #17: Jinja folded `9 ** (9 ** 9)` at compile time, outside any limit, and make hung."""
    (templates_copy / "en" / "handout.md.j2").write_text(source, encoding="utf-8")
    load_templates.cache_clear()
    try:
        library = open_library(None, templates_copy)
        made = _guarded(lambda: write_handout(request_for(), tmp_path / "out", library=library,
                                              options=PrintOptions(use_cover=False)))
        checked = _guarded(library.check_templates)  # what 'handouts validate' runs
    finally:
        load_templates.cache_clear()
    assert isinstance(made, DataError) and message in str(made), made
    assert checked is None and not (tmp_path / "out").exists()
    assert any(message in str(e) for e in library.check_templates())


def test_the_template_time_limit_holds_off_the_main_thread(templates_copy: Path, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 13 #17: the web server renders in its own threads, where a signal-based alarm never fires."""
    from handouts.compose import templates as text

    monkeypatch.setattr(text, "RENDER_SECONDS", 0.5)
    (templates_copy / "en" / "handout.md.j2").write_text(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}"
        "{% endfor %}", encoding="utf-8")
    load_templates.cache_clear()
    try:
        library = open_library(None, templates_copy)
        raised = _guarded(lambda: make_handout(request_for(), library=library, options=PrintOptions(use_cover=False)))
    finally:
        load_templates.cache_clear()
    assert isinstance(raised, DataError)
    assert "handout.md.j2: the template ran for more than 0.5 seconds and was stopped" in str(raised)


@pytest.mark.parametrize(("label", "message"), [
    pytest.param("{day.nope}", "there is no field {day.nope} (no attribute or item may be reached from a field)",
                 id="attribute"),
    pytest.param("{weekday.__class__.__mro__}", "there is no field {weekday.__class__.__mro__} (no attribute or item "
                 "may be reached from a field)", id="python-internals"),
    pytest.param("{day:>999999999}", "write fields as plain {name}, with a width of at most 40", id="huge-width"),
    pytest.param("{day!r}", "write fields as plain {name}", id="conversion"),
    pytest.param("{weekday[0]}", "there is no field {weekday[0]}", id="item"),
])
def test_a_label_format_is_checked_when_the_labels_load(templates_copy: Path, label: str, message: str) -> None:
    """issue 13 #18: label formats ran outside the sandbox: exit 4, MemoryError, Python internals in the PDF."""
    labels = templates_copy / "en" / "labels.yaml"
    lines = labels.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("short_date:"))
    lines[line - 1] = f'short_date: "{label}"'
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_templates.cache_clear()
    try:
        with pytest.raises(HandoutError) as caught:
            open_library(None, templates_copy)
    finally:
        load_templates.cache_clear()
    assert f"{labels}:{line}: short_date: cannot fill '{label}': {message}" in str(caught.value)
    assert "Traceback" not in str(caught.value)


YAML_CASES = [
    ("alias-bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "aliases (*name) are not allowed"),
    ("python-object", "x: !!python/object/new:os.system [echo hi]\n", "could not determine a constructor"),
    ("custom-tag", "x: !include other.yaml\n", "could not determine a constructor for the tag '!include'"),
    ("duplicate-key", "id: a\nkind: stretch\nid: b\n", "duplicate key 'id'"),
    ("not-utf8", b"name: Jos\xe9\n", "not UTF-8 text"),
    ("tabs", "a:\n\tb: 1\n", "found character '\\t' that cannot start any token"),
]


@pytest.mark.parametrize(("content", "message"), [pytest.param(c, m, id=i) for i, c, m in YAML_CASES])
def test_bad_yaml_is_refused(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert message in str(caught.value)


def test_exercise_file_that_is_not_utf8_names_the_file(data_copy: Path) -> None:
    from handouts.load.dataset import load_dataset

    walking = data_copy / "regions" / "low-back" / "exercises" / "walking.yaml"
    walking.write_bytes(walking.read_bytes().replace(b"Walking", "Wälking".encode("latin-1"), 1))
    with pytest.raises(ErrorList) as caught:
        load_dataset(data_copy, languages=("en", "es"))
    assert any(str(e).startswith(f"{walking}: not UTF-8 text") for e in caught.value.errors)


# ---------------------------------------------------------------- cover PDFs


def _pdf(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def hostile_cover() -> bytes:
    """A one-page cover carrying every active feature a PDF can have."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    writer.add_attachment("payload.txt", b"secret")
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]),
        NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                           NameObject("/JS"): TextStringObject("app.launchURL('x')")})})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): link["/A"]})
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    return _pdf(writer)


def test_active_content_of_a_cover_is_not_copied(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(hostile_cover())
    pdf = make_handout(request_for(), library=library, options=PrintOptions(cover=cover)).pdf
    for name in (b"JavaScript", b"JS", b"OpenAction", b"EmbeddedFiles?", b"AcroForm", b"Annots", b"AA"):
        assert not re.search(rb"/" + name + rb"[\s/<>\[\]()]", pdf), name  # a PDF name, not a prefix
    assert b"payload.txt" not in pdf and b"app.alert" not in pdf


def _encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("pw", algorithm="AES-256")
    return _pdf(writer)


def _pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=612, height=792)
    return _pdf(writer)


def _deep_nesting() -> bytes:
    """A page whose resources nest arrays far deeper than any reader's recursion allows."""
    depth = 20_000
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /X " + b"[" * depth + b"]" * depth
        + b" >> /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = BytesIO(b"%PDF-1.7\n")
    out.seek(0, 2)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


COVER_CASES = [
    ("not-a-pdf", b"\x89PNG\r\n\x1a\n....", "this is not a PDF file"),
    ("empty-file", b"", "this is not a PDF file"),
    ("truncated", _pages(1)[:300], "the cover PDF is damaged"),
    ("garbage-after-header", b"%PDF-1.7\n" + os.urandom(2000), "the cover PDF is damaged"),
    ("encrypted", _encrypted(), "password-protected"),
    ("too-many-pages", _pages(5), "the cover has 5 pages; at most 4"),
]


@pytest.mark.parametrize(("data", "message"), [pytest.param(d, m, id=i) for i, d, m in COVER_CASES])
def test_bad_cover_is_a_cover_error_and_nothing_is_written(library, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           data: bytes, message: str) -> None:
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(data)
    with pytest.raises(CoverError) as caught:
        write_handout(request_for(), tmp_path / "out", library=library, options=PrintOptions(cover=cover))
    assert message in str(caught.value) and str(cover.resolve()) in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_deeply_nested_cover_does_not_take_the_run_down(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cover = tmp_path / "nested.pdf"
    cover.write_bytes(_deep_nesting())
    try:
        handout = make_handout(request_for(), library=library, options=PrintOptions(cover=cover))
    except CoverError as exc:  # refusing it is as good as reading it
        assert "damaged" in str(exc)
    else:
        assert handout.cover_pages == 1 and "Your home exercise plan" in pdf_text(handout.pdf)


def test_a_cover_is_read_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cover read before is known again by its file's identity (device, inode, size, times): a batch asks
    for it every row. The same file, or a link to it, gives the cover read; a file put in its place, or
    the file written again with the same number of bytes, is read and checked afresh."""
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(_pages(1))
    first = load_cover(cover)
    reads: list[Path] = []
    real = cover_module.open_regular
    monkeypatch.setattr(cover_module, "open_regular", lambda path: reads.append(path) or real(path))
    assert load_cover(cover) is first and reads == []
    (tmp_path / "link.pdf").symlink_to(cover)
    assert load_cover(tmp_path / "link.pdf") is first and reads == []
    replaced = tmp_path / "new.pdf"
    replaced.write_bytes(_pages(2))
    os.replace(replaced, cover)
    second = load_cover(cover)
    assert second is not first and second.page_count == 2 and len(reads) == 1
    with cover.open("r+b") as stream:  # the same bytes written over in place, a second later
        stream.write(cover.read_bytes())
    written = cover.stat()
    os.utime(cover, ns=(written.st_atime_ns, written.st_mtime_ns + 1_000_000_000))
    assert load_cover(cover) is not second and len(reads) == 2


def test_oversized_cover_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(_pages(1))
    monkeypatch.setattr(cover_module, "MAX_COVER_BYTES", 100)
    with pytest.raises(CoverError, match="the limit is 0 MB"):
        load_cover(cover)


def test_a_cover_that_hangs_the_reader_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cover = tmp_path / "slow.pdf"
    cover.write_bytes(_pages(1))
    monkeypatch.setattr(cover_module, "_trial", lambda data: time.sleep(60) or "")
    monkeypatch.setattr(cover_module, "PARSE_SECONDS", 0.5)  # a sleeping reader uses no processor time:
    started = time.monotonic()                                # the clock's backstop, four times longer, stops it
    with pytest.raises(CoverError, match="took longer than 2 seconds"):
        load_cover(cover)
    assert time.monotonic() - started < 5


def _spin(data: bytes) -> str:
    while True:
        pass


def test_a_cover_that_makes_the_reader_loop_is_stopped_by_its_processor_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cover = tmp_path / "loops.pdf"
    cover.write_bytes(_pages(1) + b"\n% a loop, not cached\n")
    monkeypatch.setattr(cover_module, "_trial", _spin)
    monkeypatch.setattr(cover_module, "PARSE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(CoverError, match="more than 1 seconds of processor time"):
        load_cover(cover)
    assert time.monotonic() - started < 4  # before the clock's backstop


def test_a_cover_that_kills_the_reader_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cover = tmp_path / "crash.pdf"
    cover.write_bytes(_pages(1) + b"\n% different bytes, not cached\n")
    monkeypatch.setattr(cover_module, "_trial", lambda data: os._exit(3))
    with pytest.raises(CoverError, match="stopped the reader"):
        load_cover(cover)


# ---------------------------------------------------------------- outputs


def test_existing_file_is_kept_without_force(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "p-001.pdf"
    target.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        write_handout(request_for(), tmp_path, library=library, options=PrintOptions(use_cover=False))
    assert target.read_bytes() == b"precious" and listing(tmp_path) == ["p-001.pdf"]


def test_full_disk_leaves_no_partial_file(library, request_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", lambda fd: full(fd, b""))
    with pytest.raises(OutputError, match="No space left on device") as caught:
        write_handout(request_for(), tmp_path / "out", library=library, options=PrintOptions(use_cover=False))
    assert caught.value.exit_code == 3
    assert listing(tmp_path / "out") == []
    assert real_write is os.write


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file, not a folder")
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "out" / "x.pdf", b"%PDF")
    assert (tmp_path / "out").read_text() == "a file, not a folder"


def test_combined_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    (tmp_path / "print.pdf").write_bytes(b"yesterday's print run")
    with pytest.raises(OutputExistsError):
        run(path, BatchOptions(output=tmp_path / "out", workers=1, combined=tmp_path / "print.pdf"))
    assert (tmp_path / "print.pdf").read_bytes() == b"yesterday's print run"
    assert not (tmp_path / "out").exists()


def test_no_name_in_file_names_errors_or_temp_files(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = "Zoë Secretname"
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + f"s1,{name},nonspecific,acute,,,,,,,\ns2,{name},badone,acute,,,,,,,\n", encoding="utf-8")
    result = run(path, BatchOptions(output=tmp_path / "out", workers=1, printing=PrintOptions(use_cover=False)))
    assert not any("Secretname" in p for p in listing(tmp_path / "out"))
    assert not any("Secretname" in r.message for r in result.rows)
    assert "Secretname" not in (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")


def test_every_error_kind_has_one_root() -> None:
    for kind in (CoverError, DataError, InputError, OutputError, OutputExistsError, ErrorList):
        assert issubclass(kind, HandoutError)
    assert read_patients  # the CSV reader raises only these kinds (see the cases above)


def test_a_print_file_in_a_folder_that_cannot_exist_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError):
        run(path, BatchOptions(output=tmp_path / "out", workers=1, combined=tmp_path / "afile" / "print.pdf"))
    assert listing(tmp_path / "out") == []


def test_a_batch_where_nothing_could_be_made_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.run import batch as batch_module

    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")

    def full(files: list[tuple[Path, bytes]], **options: object) -> None:
        raise OutputError("cannot write the file: No space left on device", path=files[-1][0])

    monkeypatch.setattr(batch_module, "write_together", full)  # every handout's files, not the manifest
    result = batch_module.run(path, BatchOptions(output=tmp_path / "out", workers=1, printing=PrintOptions(use_cover=False)))
    assert result.exit_code == 3 and "No space left on device" in result.rows[0].message


def test_two_batches_cannot_write_into_one_folder(tmp_path: Path) -> None:
    from handouts.run.output import folder_lock

    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    (tmp_path / "out").mkdir()
    with folder_lock(tmp_path / "out"), pytest.raises(OutputError, match="another batch is writing"):
        run(path, BatchOptions(output=tmp_path / "out", workers=1))
    assert listing(tmp_path / "out") == []  # no lock file either


# ---------------------------------------------------------------- handouts check


def _cover_with_loose_font() -> bytes:
    """A cover drawn with Helvetica, one of the standard fonts a PDF may name without embedding it."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    canvas.setFont("Helvetica", 28)
    canvas.drawString(72, 700, "Riverside Physiotherapy")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_check_judges_the_handout_and_reports_the_cover_apart(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """issue 13 #21: a clinic cover with non-embedded fonts failed the handout itself."""
    from click.testing import CliRunner

    from handouts.cli import cli

    cover = tmp_path / "cover.pdf"
    cover.write_bytes(_cover_with_loose_font())
    written = write_handout(request_for(patient=Patient("k1", "Ann Lee")), tmp_path, library=library,
                            options=PrintOptions(cover=cover))
    result = CliRunner().invoke(cli, ["check", str(written.path)])
    assert result.exit_code == 0, result.output
    assert "ok   fonts embedded" in result.output
    assert "note cover              1 cover page (the clinic's, not judged); fonts not embedded: /Helvetica" \
        in result.output


def test_check_opens_an_encrypted_handout_with_password_env(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """issue 13 #21: an encrypted handout could not be checked at all."""
    from click.testing import CliRunner

    from handouts.cli import cli

    written = write_handout(request_for(patient=Patient("k2", "Ann Lee")), tmp_path, library=library,
                            options=PrintOptions(use_cover=False, password="correct horse"))
    runner = CliRunner()
    locked = runner.invoke(cli, ["check", str(written.path)])
    assert locked.exit_code == 2
    assert locked.stderr == f"error: {written.path}: the PDF is encrypted; pass --password-env VAR with its password\n"
    wrong = runner.invoke(cli, ["check", "--password-env", "PW", str(written.path)], env={"PW": "wrong"})
    assert wrong.exit_code == 2 and "the password does not open this PDF" in wrong.stderr
    opened = runner.invoke(cli, ["check", "--password-env", "PW", str(written.path)], env={"PW": "correct horse"})
    assert opened.exit_code == 0, opened.output
    assert "FAIL" not in opened.output


def test_a_quote_never_closed_fails_its_row_and_loses_no_patient_silently(tmp_path: Path) -> None:
    """The rows after an unclosed quote were read into its cell: their patients vanished, and their ids and
    names printed in the notes of the row before them (exit 0)."""
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + GOOD + 'x1,Bo,nonspecific,acute,,,,,,"Ice 15 min, then walk,\n'
                    + "x2,Cy,nonspecific,acute,,,,,,,\nx3,Di,nonspecific,acute,,,,,,,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(path, BatchOptions(output=out, workers=1, printing=PrintOptions(use_cover=False)))
    good, bad = result.rows
    assert good.status == "written" and bad.status == "invalid" and result.exit_code == 1
    assert bad.message == (
        "the quote that opens the cell in column 'notes' is never closed, so the lines after it (from line 4, which "
        "reads like a row of its own) were read into that cell and not as patients; add the closing quote (\") where "
        "the cell ends, or remove the opening one")
    # a note over several lines, quoted and closed, is a note
    path.write_text(HEADER + 'x1,Bo,nonspecific,acute,,,,,,"Ice, rest,\nthen walk, slowly",\n', encoding="utf-8")
    (row,) = run(path, BatchOptions(output=tmp_path / "notes", workers=1, printing=PrintOptions(use_cover=False))).rows
    assert row.status == "written"


def test_a_folder_that_cannot_be_looked_at_is_a_clear_error_not_an_internal_one(tmp_path: Path) -> None:
    """A folder on the way that may not be entered made the batch's first look at its output folder, print
    file and column map raise PermissionError: 'internal error', exit 4. Root may enter any folder, so this
    takes another error the same looks raised: a folder name longer than the file system allows."""
    from click.testing import CliRunner

    from handouts.cli import cli

    far = tmp_path / ("x" * 300)
    csv_path = tmp_path / "patients.csv"
    csv_path.write_text(HEADER + GOOD, encoding="utf-8")
    for extra, code, message in (
            (["-o", str(far / "out")], 3, "cannot write in the output folder: File name too long"),
            (["-o", str(tmp_path / "a"), "--combined", str(far / "print.pdf")], 3, "File name too long"),
            (["-o", str(tmp_path / "b"), "--columns", str(far / "map.yaml")], 2,
             "cannot read the column map file: File name too long")):
        done = CliRunner().invoke(cli, ["batch", str(csv_path), "--no-cover", "--quiet", *extra])
        assert done.exit_code == code and message in done.output, (extra, done.exit_code, done.output)
        assert "internal error" not in done.output
