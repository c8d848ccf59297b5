"""``handouts clinic``: set up the clinic whose name and numbers every handout prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from handouts.cli.common import Context, reporting


@click.group()
def clinic() -> None:
    """Set up your clinic: its name, phone numbers and address on every page.

    Example:

        handouts clinic init
    """


def _ask(value: Any, text: str, **prompt: Any) -> Any:
    """``value`` when given on the command line, else asked for."""
    return value if value is not None else click.prompt(text, err=True, **prompt)


@clinic.command("init")
@click.option("--name", help="The clinic's name, as patients know it.")
@click.option("--phone", help="The number patients call with questions.")
@click.option("--after-hours", help="Who patients call evenings and weekends, e.g. '555-0199 (on-call therapist)'.")
@click.option("--address", multiple=True, help="An address line (repeat it, or separate lines with ';'; up to 4).")
@click.option("--emergency", help="The local emergency number, e.g. 911 or 112 (printed with the red flags).")
@click.option("--language", help="The language of its handouts (default en).")
@click.option("--paper", type=click.Choice(["letter", "a4"]), help="Its paper (default letter).")
@click.option("--cover", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A cover PDF to put in front of every handout.")
@click.option("--id", "clinic_id", help="The clinic's id (default: made from the name, e.g. oakwood-physio).")
@click.option("--force", is_flag=True, help="Replace a clinic of the same id set up before.")
@click.pass_obj
def init(obj: Context, name: str | None, phone: str | None, after_hours: str | None, address: tuple[str, ...],
         emergency: str | None, language: str | None, paper: str | None, cover: Path | None,
         clinic_id: str | None, force: bool) -> None:
    """Set up your clinic and make it the default: asks for what the options do not give.

    Writes clinics/<id>/clinic.yaml in your user data folder (e.g.
    ~/.local/share/handouts), checks it, and makes it the clinic every handout
    prints. Give every option to run it from a script.

    Example:

        handouts clinic init --name "Oakwood Physio" --phone 555-0100 --after-hours 555-0101 --address "1 Oak Road; Oakwood" --emergency 911 --language en --paper letter
    """
    from handouts.run.clinic_setup import ClinicDetails, init_clinic
    from handouts.run.library import forget

    with reporting(obj.debug):
        languages = obj.library().dataset.languages
        name = _ask(name, "Clinic name")
        phone = _ask(phone, "Phone for questions")
        after_hours = _ask(after_hours, "After-hours line (who to call evenings and weekends)")
        lines = [part.strip() for value in address for part in re.split(r"[;\n]", value) if part.strip()]
        if not address:
            lines = [p.strip() for p in _ask(None, "Address (separate lines with ';')").split(";") if p.strip()]
        emergency = _ask(emergency, "Emergency number (e.g. 911 or 112; leave blank for none)", default="",
                         show_default=False)
        language = _ask(language, "Language of the handouts", default=languages[0],
                        type=click.Choice(languages))
        paper = _ask(paper, "Paper", default="letter", type=click.Choice(["letter", "a4"]))
        details = ClinicDetails(name=name, phone=phone, after_hours=after_hours, address=tuple(lines),
                                emergency=emergency or None, language=language, paper=paper, cover=cover,
                                clinic_id=clinic_id)
        done = init_clinic(details, languages=languages, force=force)
        forget()
        click.echo(f"wrote {done.path}")
        click.echo(f"{done.clinic_id} is now the default clinic ({done.settings}); every handout prints it")
