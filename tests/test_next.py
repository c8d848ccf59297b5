"""`handouts next`: the next plan proposed from a plan record and a hand-typed adherence CSV, as a diff."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from handouts.cli import cli
from handouts.errors import HandoutError
from handouts.load.adherence import read_adherence
from handouts.rules.progress import pain_trend

START = date(2026, 12, 7)
HEADER = "patient_id,date,exercise_id,sessions_planned,sessions_ticked,pain,walking_minutes\n"


def _record(tmp_path: Path, *options: str) -> tuple[Path, dict]:  # type: ignore[type-arg]
    folder = tmp_path / "last"
    result = CliRunner().invoke(cli, ["make", "--patient-id", "p-9", "--name", "Ana", "--start-date", START.isoformat(),
                                      "--weeks", "1", "--leg-pain", "no", "--no-cover", *options, "-o", str(folder)])
    assert result.exit_code == 0, result.output
    record = folder / "p-9.plan.json"
    return record, json.loads(record.read_text(encoding="utf-8"))


def _adherence(tmp_path: Path, record: dict, *, ticked: float, pain: list[int], minutes: int = 30) -> Path:  # type: ignore[type-arg]
    """A week typed by hand: each exercise ticked ``ticked`` of its sessions, one pain score a day."""
    lines = [HEADER]
    for day in range(7):
        when = (START + timedelta(days=day)).isoformat()
        for exercise in record["plan"]["exercises"]:
            planned = exercise["dose"]["times_a_day"]
            walk = exercise["id"] == "walking"
            done = planned if walk else round(planned * ticked)
            lines.append(f"p-9,{when},{exercise['id']},{planned},{done},{pain[day]},{minutes if walk else ''}\n")
    path = tmp_path / "adherence.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _next(record: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["next", str(record), *args])
    return result.exit_code, result.output


FALLING, RISING = [6, 6, 5, 4, 3, 3, 2], [2, 3, 3, 4, 5, 5, 6]


def test_all_done_and_pain_falling_offers_the_harder_rung(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute",
                           "--exercises", "one-knee-to-chest,abdominal-bracing,low-back-bridge,walking")
    code, out = _next(record, "--adherence", str(_adherence(tmp_path, data, ticked=1, pain=FALLING)))
    assert code == 0, out
    assert "+ Both knees to chest (was: One knee to chest; harder) — done 14 of 14 sessions (7 of 7 days in full), " \
           "pain fell from 5.7 to 2.7" in out
    assert "+ Plank on knees (was: Stomach bracing; harder)" in out
    assert "~ Bridge: hold 10 (was: hold 5; harder)" in out
    assert "~ Walking: minutes 14 (was: minutes 10; build-up)" in out
    assert "nothing written" in out and not (tmp_path / "output").exists()


def test_pain_rising_offers_the_easier_rung(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "maintenance")
    code, out = _next(record, "--adherence", str(_adherence(tmp_path, data, ticked=1, pain=RISING)))
    assert code == 0, out
    assert "+ Plank on knees (was: Plank on elbows; easier) — pain rose from 2.7 to 5.3" in out
    assert "+ One knee to chest (was: Both knees to chest; easier)" in out
    assert "+ Lying face down (was: Lying face down on elbows; easier)" in out
    assert "= Bridge: same — pain rose from 2.7 to 5.3; it has no easier version: talk it over" in out
    assert "harder" not in out and "?" not in out.split("nothing written")[0]


def test_half_done_keeps_the_same_dose(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute")
    code, out = _next(record, "--adherence", str(_adherence(tmp_path, data, ticked=0.5, pain=[4] * 7)))
    assert code == 0, out
    assert "= Both knees to chest: same — same dose: done 7 of 14 sessions (0 of 7 days in full)" in out
    assert "+" not in out and "~ Both" not in out


def test_acute_to_subacute_only_as_a_question(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "herniated-disc", "--phase", "acute")
    adherence = _adherence(tmp_path, data, ticked=1, pain=FALLING)
    code, out = _next(record, "--adherence", str(adherence))
    assert code == 0, out
    assert "? Move on to the subacute phase? — pain fell from 5.7 to 2.7, most sessions done; ask whether the " \
           "patient is ready (make it with --phase subacute)" in out
    code, out = _next(record, "--adherence", str(adherence), "--accept", "-o", str(tmp_path / "next"))
    assert code == 0, out
    made = json.loads((tmp_path / "next" / "p-9.plan.json").read_text(encoding="utf-8"))
    assert made["request"]["phase"] == "acute"  # never moved on by itself
    assert made["request"]["start_date"] == (START + timedelta(days=7)).isoformat()
    doses = {e["id"]: e["dose"] for e in made["plan"]["exercises"]}
    assert doses["prone-on-elbows"]["hold"] == 120  # moved up its build-up: 30 s + 30 s every 2 days for a week
    assert "prone-press-up" not in doses  # the harder rung waits until the build-up is done


def test_pain_typed_on_the_command_line(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute")
    lines = [HEADER] + [f"p-9,{(START + timedelta(days=d)).isoformat()},{e['id']},{e['dose']['times_a_day']},"
                        f"{e['dose']['times_a_day']},,30\n" for d in range(7) for e in data["plan"]["exercises"]]
    adherence = tmp_path / "a.csv"
    adherence.write_text("".join(lines), encoding="utf-8")
    _, out = _next(record, "--adherence", str(adherence), "--pain", "2,3,4,5,6")
    assert "pain rose from 2.5 to 5.5" in out


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("p-9,2026-12-07,walking,1,x,,", "a.csv:2: column 'sessions_ticked': 'x' is not a whole number",
                     id="not-a-number"),
        pytest.param("p-9,07/12/2026,walking,1,1,,", "a.csv:2: column 'date': '07/12/2026' is not a date written "
                     "YYYY-MM-DD", id="date"),
        pytest.param("p-9,2026-12-07,walking,1,2,,", "a.csv:2: column 'sessions_ticked': 2 is more than "
                     "sessions_planned (1)", id="more-than-planned"),
        pytest.param("p-9,2026-12-07,walking,1,1,11,", "a.csv:2: column 'pain': '11' is not a whole number from 0 to 10",
                     id="pain"),
        pytest.param("p-8,2026-12-07,walking,1,1,,", "a.csv:2: column 'patient_id': 'p-8' is not the plan's patient",
                     id="other-patient"),
        pytest.param("p-9,2026-12-07,bird-dog,1,1,,", "a.csv:2: column 'exercise_id': 'bird-dog' is not in the plan",
                     id="not-in-plan"),
    ],
)
def test_bad_adherence_rows_name_file_row_and_column(tmp_path: Path, body: str, expected: str) -> None:
    record, _ = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute")
    path = tmp_path / "a.csv"
    path.write_text(HEADER + body + "\n", encoding="utf-8")
    code, out = _next(record, "--adherence", str(path))
    assert code == 2 and expected in out, out
    assert "Traceback" not in out


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("patient_id;date;exercise_id;sessions_planned\np-9;2026-12-07;walking;1\n", encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        read_adherence(path)
    assert "a.csv:1: the header has no 'sessions_ticked' column" in str(caught.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,;-x \n", max_size=12), min_size=1, max_size=6))
def test_the_adherence_reader_never_crashes(tmp_path_factory, cells) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("h") / "a.csv"
    path.write_text(HEADER + ",".join(c.replace("\n", " ") for c in cells) + "\n", encoding="utf-8")
    try:
        rows = read_adherence(path)
    except HandoutError as exc:
        assert str(exc)
    else:
        assert all(0 <= r.ticked <= r.planned for r in rows)


@given(st.lists(st.integers(0, 10), min_size=2, max_size=14))
def test_pain_trend_is_rising_or_falling_only_by_a_whole_point(scores: list[int]) -> None:
    first, last, trend = pain_trend([float(s) for s in scores])
    assert first is not None and last is not None
    assert (trend == "rising") == (last - first >= 1) and (trend == "falling") == (first - last >= 1)


def _harder_record(tmp_path: Path) -> tuple[Path, Path]:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute",
                           "--exercises", "one-knee-to-chest,abdominal-bracing,low-back-bridge,walking")
    return record, _adherence(tmp_path, data, ticked=1, pain=FALLING)


def _made(tmp_path: Path) -> tuple[list[str], dict]:  # type: ignore[type-arg]
    made = json.loads((tmp_path / "next" / "p-9.plan.json").read_text(encoding="utf-8"))
    return [e["id"] for e in made["plan"]["exercises"]], made["request"]["dose_changes"]


def test_only_makes_the_changes_picked(tmp_path: Path) -> None:
    record, adherence = _harder_record(tmp_path)
    code, out = _next(record, "--adherence", str(adherence), "--accept", "--only", "abdominal-bracing,walking",
                      "-o", str(tmp_path / "next"))
    assert code == 0, out
    assert "(left out) + Both knees to chest (was: One knee to chest; harder)" in out
    assert "(left out) ~ Bridge: hold 10" in out
    assert "\n+ Plank on knees (was: Stomach bracing; harder)" in out
    assert "2 of 4 changes made" in out
    ids, doses = _made(tmp_path)
    assert ids == ["one-knee-to-chest", "plank-on-knees", "low-back-bridge", "walking"]
    assert doses == {"walking": {"minutes": 14}}


def test_skip_leaves_out_the_changes_named_by_either_exercise(tmp_path: Path) -> None:
    record, adherence = _harder_record(tmp_path)
    # plank-on-knees is what abdominal-bracing would become: naming it picks that line too.
    code, out = _next(record, "--adherence", str(adherence), "--accept", "--skip", "plank-on-knees;walking",
                      "-o", str(tmp_path / "next"))
    assert code == 0, out
    ids, doses = _made(tmp_path)
    assert ids == ["double-knee-to-chest", "abdominal-bracing", "low-back-bridge", "walking"]
    assert doses == {"low-back-bridge": {"hold": 10}}


def test_picking_without_accept_writes_nothing_and_names_the_ids(tmp_path: Path) -> None:
    record, adherence = _harder_record(tmp_path)
    code, out = _next(record, "--adherence", str(adherence), "--skip", "walking", "-o", str(tmp_path / "next"))
    assert code == 0, out
    assert "(left out) ~ Walking" in out and "nothing written" in out
    assert "--only or --skip with their exercise ids: one-knee-to-chest (One knee to chest), abdominal-bracing " \
           "(Stomach bracing), low-back-bridge (Bridge), walking (Walking)" in out
    assert not (tmp_path / "next").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--only", "bridge"], "error: --only: 'bridge' is not an exercise in the diff; the changes can "
                     "be picked by: one-knee-to-chest, abdominal-bracing, low-back-bridge, walking", id="unknown"),
        pytest.param(["--skip", "walkng"], "error: --skip: 'walkng' is not an exercise in the diff (did you mean "
                     "'walking'?)", id="typo"),
        pytest.param(["--only", "walking", "--skip", "low-back-bridge"], "error: --only: pick the changes with one "
                     "of --only or --skip, not both", id="both"),
        pytest.param(["--only", " , "], "error: --only: lists no exercise ids", id="empty"),
    ],
)
def test_a_bad_pick_is_named_and_nothing_is_written(tmp_path: Path, args: list[str], expected: str) -> None:
    record, adherence = _harder_record(tmp_path)
    code, out = _next(record, "--adherence", str(adherence), "--accept", *args, "-o", str(tmp_path / "next"))
    assert code == 2 and expected in out, out
    assert not (tmp_path / "next").exists()


def test_an_exercise_with_nothing_to_change_cannot_be_picked(tmp_path: Path) -> None:
    record, data = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute")
    adherence = _adherence(tmp_path, data, ticked=0.5, pain=[4] * 7)
    code, out = _next(record, "--adherence", str(adherence), "--accept", "--only", "double-knee-to-chest")
    assert code == 2, out
    assert "error: --only: 'double-knee-to-chest' has no change to make; the changes can be picked by: " in out


@pytest.mark.parametrize("typed", ["11", "x", "-1", "5;20"])
def test_a_bad_typed_pain_score_is_named(tmp_path: Path, typed: str) -> None:
    record, _ = _record(tmp_path, "--diagnosis", "nonspecific", "--phase", "subacute")
    code, out = _next(record, "--pain", typed)
    assert code == 2 and "error: --pain: " in out and "is not a pain score from 0 to 10" in out, out
