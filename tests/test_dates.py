"""A start date long past or far ahead is warned about, against the day the handout is made (``rules.dates``)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts import clock
from handouts.cli import cli
from handouts.rules.dates import AHEAD_DAYS, PAST_DAYS
from handouts.rules.plan import make_plan
from handouts.wording import COMMAND_LINE

TODAY = date(2026, 12, 2)


def _date_warnings(plan):  # type: ignore[no-untyped-def]
    return [w for w in plan.warnings if w.code.startswith("start-")]


@pytest.mark.parametrize(("days", "code"), [
    (-PAST_DAYS - 1, "start-past"), (-PAST_DAYS, None), (0, None), (AHEAD_DAYS, None),
    (AHEAD_DAYS + 1, "start-far-ahead"),
])
def test_only_a_start_date_outside_the_window_is_warned_about(  # type: ignore[no-untyped-def]
        library, request_for, days: int, code: str | None) -> None:
    plan = make_plan(request_for(start_date=TODAY + timedelta(days=days)), library.dataset, today=TODAY)
    assert [w.code for w in _date_warnings(plan)] == ([code] if code else [])


def test_the_warning_says_the_date_how_far_and_when_the_whole_checklist_is_over(  # type: ignore[no-untyped-def]
        library, request_for) -> None:
    typo = make_plan(request_for(start_date=date(2025, 12, 7), weeks=2), library.dataset, today=TODAY)
    assert COMMAND_LINE.warning(_date_warnings(typo)[0]) == (
        "the checklist starts on 2025-12-07, 360 days before today, so all of its days are past; "
        "check the start date's year")
    # 10 days ago with 2 weeks: the second week is still to come
    partly = make_plan(request_for(start_date=TODAY - timedelta(days=10), weeks=2), library.dataset, today=TODAY)
    assert COMMAND_LINE.warning(_date_warnings(partly)[0]) == (
        "the checklist starts on 2026-11-22, 10 days before today; check the start date")
    ahead = make_plan(request_for(start_date=date(2027, 12, 7)), library.dataset, today=TODAY)
    assert COMMAND_LINE.warning(_date_warnings(ahead)[0]) == (
        "the checklist starts on 2027-12-07, 370 days from today; check the start date's year")
    assert not _date_warnings(make_plan(request_for(start_date=date(2025, 12, 7)), library.dataset))  # no today


def test_make_warns_and_still_writes_the_handout(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["make", "--patient-id", "p-1", "--name", "Ann", "--diagnosis", "herniated-disc",
                                      "--phase", "acute", "--start-date", "2025-12-07", "--no-cover",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ("warning: the checklist starts on 2025-12-07, 360 days before today, so all of its days are past; "
            "check the start date's year") in result.stderr
    assert (tmp_path / "p-1.pdf").is_file()


def test_a_handout_made_again_from_its_plan_record_is_checked_against_the_day_it_was_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = CliRunner().invoke(cli, ["make", "--patient-id", "p-1", "--name", "Ann", "--diagnosis", "herniated-disc",
                                     "--phase", "acute", "--start-date", "2026-12-07", "--no-cover",
                                     "-o", str(tmp_path)])
    assert first.exit_code == 0 and "warning: the checklist" not in first.stderr
    monkeypatch.setenv(clock.ENV, "2027-03-01")  # three months on, the same sheet printed again as it was made
    again = CliRunner().invoke(cli, ["make", "--from-plan", str(tmp_path / "p-1.plan.json"), "--no-cover",
                                     "-o", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert "warning: the checklist" not in again.stderr
    new = CliRunner().invoke(cli, ["make", "--patient-id", "p-2", "--name", "Ann", "--diagnosis", "herniated-disc",
                                   "--phase", "acute", "--start-date", "2026-12-07", "--no-cover",
                                   "-o", str(tmp_path / "new")])
    assert "warning: the checklist starts on 2026-12-07, 84 days before today" in new.stderr


def test_a_batch_names_the_rows_with_a_date_long_past(tmp_path: Path) -> None:
    rows = ["patient_id,name,diagnosis,phase,start_date,weeks,leg_pain",
            "a1,Ann,herniated-disc,acute,2026-12-07,1,no",
            "a2,Bo,herniated-disc,acute,2025-12-07,1,no"]  # a year typed wrong
    path = tmp_path / "patients.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(path), "-o", str(out), "--no-cover", "--quiet"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: patients.csv:3: the checklist starts on 2025-12-07, 360 days before today, so all "
                        "of its days are past; check the start date's year"]
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as stream:
        messages = {row["patient_id"]: row["message"] for row in csv.DictReader(stream)}
    assert messages["a1"] == "" and "360 days before today" in messages["a2"]
    assert (out / "a2.pdf").is_file()


def test_today_is_the_systems_date_unless_handouts_today_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.ENV, raising=False)
    assert clock.today() == date.today()
    monkeypatch.setenv(clock.ENV, "2030-01-31")
    assert clock.today() == date(2030, 1, 31)


def test_a_bad_handouts_today_is_a_usage_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "31/01/2030")
    result = CliRunner().invoke(cli, ["make", "--patient-id", "p-1", "--name", "Ann", "--diagnosis", "herniated-disc",
                                      "--phase", "acute", "--no-cover", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "error: HANDOUTS_TODAY: '31/01/2030' is not a date; write it as YYYY-MM-DD, or unset it" in result.stderr
    assert not list(tmp_path.iterdir())
