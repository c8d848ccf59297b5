"""The command line: exit codes, one-line errors, help with examples, writing rules."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import page_count, pdf_text

from handouts.cli import cli, main

BASE = ["--patient-id", "p-001", "--name", "Zoë Nguyễn", "--diagnosis", "herniated-disc", "--phase", "acute"]


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(cli), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "handouts " in result.output


def test_version_and_exit_codes_in_help() -> None:
    assert main(["--version"]) == 0
    assert "Exit codes: 0 done; 1 some rows failed" in run("--help").output


def test_make_writes_cover_and_handout(tmp_path: Path) -> None:
    result = run("make", *BASE, "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = tmp_path / "p-001.pdf"
    assert f"wrote {written} (" in result.output and "1 cover" in result.output
    pdf = written.read_bytes()
    assert "Zoë Nguyễn" in pdf_text(pdf)
    assert "Zoë" not in result.output  # the name stays out of logs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p-001.layout.json", "p-001.pdf", "p-001.plan.json"]


def test_make_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.pdf"
    target.write_bytes(b"keep me")
    result = run("make", *BASE, "-o", str(target))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {target}: the file already exists; pass --force to replace it"
    assert target.read_bytes() == b"keep me"
    assert run("make", *BASE, "-o", str(target), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"%PDF-")


def test_output_folder_is_created(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "folder"
    assert run("make", *BASE, "-o", str(folder), "--no-cover").exit_code == 0
    assert page_count((folder / "p-001.pdf").read_bytes()) >= 2


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("make", *BASE, "-o", str(blocker / "sub"))
    assert result.exit_code == 3
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(["--exercises", "prone-on-elbow"], "error: --exercises: unknown exercise 'prone-on-elbow' "
                     "(did you mean 'prone-on-elbows'?); see 'handouts exercises'", id="exercise"),
        pytest.param(["--diagnosis", "slipped-disc"], "error: --diagnosis: unknown diagnosis 'slipped-disc'",
                     id="diagnosis"),
        pytest.param(["--clinic", "elsewhere"], "error: --clinic: unknown clinic 'elsewhere'; clinics: sample (looked in ",
                     id="clinic"),
        pytest.param(["--patient-id", "../x"], "error: --patient-id: '../x' is not a safe id", id="unsafe-id"),
        pytest.param(["--start-date", "12/07/2026"], "error: --start-date: '12/07/2026' is ambiguous", id="date"),
        pytest.param(["--dose", "prone-on-elbows.hold=9999"], "error: --dose: hold=9999 is outside the safe range",
                     id="dose"),
        pytest.param(["--clinician", "C" * 7000], "error: --clinician: is 7000 characters long", id="clinician"),
    ],
)
def test_bad_input_gives_exit_2_and_one_line(tmp_path: Path, change: list[str], message: str) -> None:
    args = list(BASE)
    for i in range(0, len(change), 2):
        if change[i] in args:
            args[args.index(change[i]) + 1] = change[i + 1]
        else:
            args += change[i : i + 2]
    result = run("make", *args, "-o", str(tmp_path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_all_bad_options_are_reported_together() -> None:
    result = run("plan", "--patient-id", "CON", "--name", "x", "--diagnosis", "x", "--phase", "x", "--weeks", "40")
    assert result.exit_code == 2
    assert [line.split(":")[1].strip() for line in result.output.strip().splitlines()] == [
        "--patient-id", "--diagnosis", "--phase", "--weeks"]


def test_plan_prints_exercises_and_warnings() -> None:
    result = CliRunner().invoke(cli, ["plan", *BASE, "--exercises", "prone-on-elbows,prone-plank"])
    assert result.exit_code == 0
    assert "prone-on-elbows" in result.stdout and "prone-plank" not in result.stdout
    assert "warning: acute phase is stretching only: removed prone-plank" in result.stderr


def test_a_dose_outside_the_exercises_limits_is_refused_with_the_bound() -> None:
    result = CliRunner().invoke(cli, ["plan", *BASE[:5], "nonspecific", "--phase", "maintenance",
                                      "--dose", "prone-plank.hold=600"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: --dose: prone-plank: hold=600 is outside the range for this exercise, "
                                     "5 s to 120 s (limits.hold in prone-plank.yaml)")


def test_plan_follows_the_patients_direction() -> None:
    result = CliRunner().invoke(cli, ["plan", *BASE[:5], "herniated-disc", "--phase", "acute", "--direction", "flexion"])
    assert result.exit_code == 0 and not result.stderr
    assert "patient: direction flexion (from testing)" in result.stdout
    assert "double-knee-to-chest" in result.stdout and "prone-on-elbows" not in result.stdout
    against = CliRunner().invoke(cli, ["plan", *BASE, "--direction", "flexion", "--exercises", "prone-on-elbows,walking"])
    assert against.stderr.strip() == ("warning: this patient's preferred direction is flexion; prone-on-elbows goes "
                                      "the other way (pass --allow-direction)")
    bad = CliRunner().invoke(cli, ["plan", *BASE, "--direction", "sideways"])
    assert bad.exit_code == 2 and "error: --direction: 'sideways' is not one of extension, flexion, none" in bad.stderr


def test_plan_shows_each_patient_fact_warning_with_its_override() -> None:
    sciatica = CliRunner().invoke(cli, ["plan", *BASE[:5], "sciatica", "--phase", "acute", "--leg-pain", "yes",
                                        "--precautions", "osteoporosis",
                                        "--exercises", "hamstring-stretch,double-knee-to-chest,walking"])
    assert sciatica.exit_code == 0
    assert "patient: direction not given (the diagnosis's usual one stands in); leg pain yes; precautions " \
           "osteoporosis" in sciatica.stdout
    assert "hamstring-stretch-bent-knee" in sciatica.stdout and "one-knee-to-chest" in sciatica.stdout
    warnings = [line for line in sciatica.stderr.splitlines() if line.startswith("warning:")]
    assert "(pass --allow-nerve-tension)" in warnings[0] and "(pass --allow-end-range-flexion)" in warnings[1]
    kept = CliRunner().invoke(cli, ["plan", *BASE[:5], "sciatica", "--phase", "acute", "--exercises",
                                    "hamstring-stretch,walking", "--allow-nerve-tension"])
    assert kept.stderr.strip() == "warning: sciatica: hamstring-stretch kept as you allowed"
    asked = CliRunner().invoke(cli, ["plan", *BASE[:5], "nonspecific", "--phase", "maintenance"])
    assert "(pass --leg-pain yes or no)" in asked.stderr
    bad = CliRunner().invoke(cli, ["plan", *BASE, "--leg-pain", "maybe", "--precautions", "bones"])
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines() == ["error: --leg-pain: 'maybe' is not yes or no",
                                               "error: --precautions: 'bones' is not one of osteoporosis"]


def test_checklist_command(tmp_path: Path) -> None:
    result = run("checklist", *BASE, "--start-date", "2026-12-07", "--weeks", "1", "-o", str(tmp_path), "--no-cover")
    assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / "p-001-checklist.pdf").read_bytes())
    assert "Week 1: Mon 7 Dec to Sun 13 Dec" in text


def test_exercises_list_and_show() -> None:
    listing = run("exercises").output
    assert "prone-on-elbows" in listing and "stretch" in listing and "extension" in listing
    shown = run("exercises", "show", "hamstring-stretch").output
    assert "dose: hold 60 s, repeat 2 each side, 2x a day" in shown
    missing = run("exercises", "show", "hamstring")
    assert missing.exit_code == 2 and "unknown exercise 'hamstring'" in missing.output


def test_exercises_and_rules_say_where_they_come_from() -> None:
    shown = run("exercises", "show", "abdominal-bracing").output
    assert "source: common-practice (Common practice, not from a named guideline" in shown
    assert "source: jospt-2021 (JOSPT 2021: George SZ et al." in shown
    assert "source note: Not from the source article. JOSPT 2021 lists specific trunk muscle activation" in shown
    assert "limits: hold 5 to 30; repeat 1 to 15; sets 1 to 3; times_a_day 1 to 3" in shown
    listing = run("exercises").output
    assert "seed,common-practice" in listing
    protocols = run("protocols").output
    assert "content v2026.12, reviewed 2026-12-02" in protocols
    assert "stretching-only (phases=['acute'], override=allow_strengthening); source: seed" in protocols
    assert "max-exercises (count=6); source: common-practice" in protocols
    assert "  nice-ng59: NICE guideline NG59, Low back pain and sciatica in over 16s" in protocols


def test_validate_passes_on_bundled_data_and_lists_problems(tmp_path: Path, data_copy: Path) -> None:
    assert run("validate").exit_code == 0
    walking = data_copy / "regions" / "low-back" / "exercises" / "walking.yaml"
    walking.write_text(walking.read_text().replace("kind: aerobic", "kind: jogging"))
    (data_copy / "clinics" / "sample" / "cover.pdf").write_bytes(b"not a pdf")
    result = run("--data", str(data_copy), "validate")
    assert result.exit_code == 2
    assert "walking.yaml: kind: 'jogging' is not one of stretch, strengthen, aerobic" in result.output


def test_damaged_cover_is_a_clear_error(tmp_path: Path) -> None:
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage")
    result = run("make", *BASE, "--cover", str(cover), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {cover}: the cover PDF is damaged and cannot be used")
    assert not (tmp_path / "out").exists()
    not_pdf = tmp_path / "cover.png"
    not_pdf.write_bytes(b"\x89PNG....")
    result = run("make", *BASE, "--cover", str(not_pdf), "-o", str(tmp_path / "out"))
    assert "this is not a PDF file" in result.output and result.exit_code == 2


def test_a_password_asked_for_with_no_terminal_is_a_usage_error(tmp_path: Path) -> None:
    """From cron or a pipe, --password read end-of-file and ended as if stopped by Ctrl-C (exit 130)."""
    result = CliRunner().invoke(cli, ["make", *BASE, "--password", "-o", str(tmp_path)], input="")
    assert result.exit_code == 2 and "internal error" not in result.output
    assert ("error: --password: asks for the password at a terminal, and there is none here; put the password in "
            "an environment variable and pass --password-env VARIABLE instead") in result.output
    assert not list(tmp_path.iterdir())


def test_duplex_pads_a_single_handout_to_even_pages(tmp_path: Path) -> None:
    plain = run("make", *BASE, "-o", str(tmp_path / "a.pdf"))
    padded = run("make", *BASE, "-o", str(tmp_path / "b.pdf"), "--duplex")
    assert plain.exit_code == padded.exit_code == 0
    pages = page_count((tmp_path / "a.pdf").read_bytes())
    assert page_count((tmp_path / "b.pdf").read_bytes()) == pages + pages % 2


def test_a_warning_many_rows_share_is_said_once_with_their_lines(tmp_path: Path) -> None:
    """A CSV without the leg_pain column printed the same warning once per row: 80 lines for 120 rows."""
    rows = ["patient_id,name,diagnosis,phase,start_date,weeks"]
    rows += [f"q{n},Ann,herniated-disc,subacute,2026-12-07,1" for n in range(5)]
    rows += ["s1,Bo,spinal-stenosis,acute,2026-12-07,1,extra"]  # one row of its own: said on its line
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(path), "-o", str(tmp_path / "out"), "--no-cover", "--quiet"])
    lines = [line for line in result.stderr.splitlines() if line.startswith(("warning:", "error:"))]
    assert lines[0].startswith("warning: many.csv: 5 rows (lines 2, 3, 4, 5, 6): leg pain is not recorded")
    assert sum("leg pain is not recorded" in line for line in lines) == 1
    assert lines[1].startswith("error: many.csv:7: this row has 7 cells but the header has 6 columns")


def test_cover_and_no_cover_together_are_refused(tmp_path: Path) -> None:
    """--cover FILE --no-cover made a handout without the cover, and a note about --cover."""
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(cli, ["make", *BASE, "--cover", str(cover), "--no-cover", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "error: --no-cover: use --cover FILE or --no-cover, not both" in result.output
    assert not (tmp_path / "o").exists()
