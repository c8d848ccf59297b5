"""`handouts checklist --week N`: next week's sheet from the same options, with that week's real dates."""

from __future__ import annotations

from click.testing import CliRunner
from helpers import pdf_text

from handouts.cli import cli


def test_checklist_week_prints_that_week_of_the_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, [
        "checklist", "--patient-id", "p-9", "--name", "Ana", "--diagnosis", "nonspecific", "--phase", "subacute",
        "--start-date", "2026-12-07", "--week", "3", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "p-9-checklist-week3.pdf"
    assert f"wrote {written}" in result.output
    text = pdf_text(written.read_bytes())
    assert "Week 3: Mon 21 Dec to Sun 27 Dec" in text
    assert "Week 1" not in text and "Week 2" not in text and "Week 4" not in text
    assert "Go to a hospital emergency department now" in text


def test_checklist_week_out_of_range_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, [
        "checklist", "--patient-id", "p-9", "--name", "Ana", "--diagnosis", "nonspecific", "--phase", "subacute",
        "--week", "13", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "--week" in result.output and "13" in result.output
