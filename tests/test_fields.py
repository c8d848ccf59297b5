from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handouts.load import fields


@pytest.mark.parametrize("text", ["p-001", "0042", "A.b_c-9", "x" * 64])
def test_patient_id_accepts_safe_ids(text: str) -> None:
    assert fields.patient_id(f"  {text} ") == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param("../etc", "not a safe id", id="dots-and-slash"),
        pytest.param("a/b", "not a safe id", id="slash"),
        pytest.param("..", "may not start with", id="dotdot"),
        pytest.param(".hidden", "may not start with", id="leading-dot"),
        pytest.param("-rf", "may not start with", id="leading-dash"),
        pytest.param("CON", "reserves", id="con"),
        pytest.param("nul.txt", "reserves", id="nul-ext"),
        pytest.param("com1", "reserves", id="com1"),
        pytest.param("x" * 65, "not a safe id", id="too-long"),
        pytest.param("Zoë", "not a safe id", id="non-ascii"),
    ],
)
def test_patient_id_rejects_unsafe_ids(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fields.patient_id(text)


@given(st.text(max_size=80))
def test_patient_id_never_returns_a_path_like_value(text: str) -> None:
    try:
        value = fields.patient_id(text)
    except ValueError:
        return
    assert "/" not in value and "\\" not in value and value not in (".", "..")
    assert not value.startswith((".", "-"))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(["/", "."]),
       st.booleans(), st.booleans())
def test_a_dates_only_order_is_the_one_it_was_written_in(day: date, separator: str, day_first: bool,
                                                        padded: bool) -> None:
    """date_order never names the other order: a file's dates are compared by it (batch)."""
    first, second = (day.day, day.month) if day_first else (day.month, day.day)
    text = separator.join([f"{first:02d}" if padded else str(first), f"{second:02d}" if padded else str(second),
                           str(day.year)])
    order = fields.date_order(text)
    written = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
    assert order in (written, None)
    assert (order is None) == (day.day <= 12)  # a day of 13 or more can only be read one way
    if order is not None:
        assert fields.iso_date(text) == day
    assert fields.date_order(day.isoformat()) is None


def test_iso_dates_and_ambiguous_ones() -> None:
    assert fields.iso_date("2026-12-07") == date(2026, 12, 7)
    with pytest.raises(ValueError, match="ambiguous"):
        fields.iso_date("07/12/2026")
    assert fields.iso_date("07/12/2026", date_format="DD/MM/YYYY") == date(2026, 12, 7)
    assert fields.iso_date("07/12/2026", date_format="MM/DD/YYYY") == date(2026, 7, 12)
    with pytest.raises(ValueError, match="not a real date"):
        fields.iso_date("2026-02-30")
    with pytest.raises(ValueError, match="not a date"):
        fields.iso_date("next monday")


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("TRUE", True), ("1", True), ("no", False),
                                             ("0", False), ("", False), ("False", False)])
def test_yes_no(text: str, value: bool) -> None:
    assert fields.yes_no(text) is value


def test_yes_no_rejects_other_words() -> None:
    with pytest.raises(ValueError, match="not yes or no"):
        fields.yes_no("maybe")


def test_weeks_bounds() -> None:
    assert fields.weeks("12") == 12
    for bad in ("0", "13", "two", "-1", "1.5"):
        with pytest.raises(ValueError, match="1 to 12"):
            fields.weeks(bad)


def test_id_list_accepts_both_separators_and_drops_repeats() -> None:
    assert fields.id_list(" a-b ; c,a-b ,, d ") == ("a-b", "c", "d")
    with pytest.raises(ValueError, match="lists no exercise"):
        fields.id_list(" ; , ")


@given(st.lists(st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True), min_size=1, max_size=6),
       st.sampled_from([",", ";", " , ", "; "]))
def test_id_list_round_trips(ids: list[str], separator: str) -> None:
    assert fields.id_list(separator.join(ids)) == tuple(dict.fromkeys(ids))


def test_dose_change_checks_field_and_bounds() -> None:
    assert fields.dose_change("hamstring-stretch.hold=30") == ("hamstring-stretch", "hold", 30)
    with pytest.raises(ValueError, match="did you mean 'hold'"):
        fields.dose_change("hamstring-stretch.hodl=30")
    with pytest.raises(ValueError, match="safe range 1 to 5"):
        fields.dose_change("low-back-bridge.sets=9")
    with pytest.raises(ValueError, match="EXERCISE.FIELD=NUMBER"):
        fields.dose_change("hold 30")
