"""``handouts read``: ticked checklists back from scans and photos, as an adherence record."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from handouts.cli.common import Context, reporting, stoppable

READ_EXIT_CODES = ("Exit codes: 0 every page read; 1 some pages not read (listed, with review.csv); 2 no page "
                   "could be read, or a usage error; 3 the output could not be written.")


@click.command("read", epilog=READ_EXIT_CODES)
@click.argument("scans", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for adherence.csv, review.csv and the review crops.")
@click.option("--layouts", "layouts", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder with the layout JSON files written beside the PDFs (default: output/ and each "
                   "scan's folder); a lost one is made again from the plan record beside the same PDF. May be "
                   "given more than once.")
@click.option("--force", is_flag=True, help="Replace adherence.csv and review.csv from an earlier read.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON instead of text.")
@click.pass_obj
def read_command(obj: Context, scans: tuple[Path, ...], output: Path, layouts: tuple[Path, ...], force: bool,
                 as_json: bool) -> None:
    """Read ticked checklists from scans (PDF) and phone photos (JPEG, PNG).

    Each page is found by its corner markers and QR page id, in any order and
    turned any way; every box is read as ticked, blank or unsure. Writes
    adherence.csv (a row per exercise per day), review.csv with a picture of
    every unsure box and of every page it could not read, and prints a line per
    patient and week. Needs: pip install "handouts[read]".

    Example:

        handouts read scans/*.jpg scans/visit.pdf --layouts output/
    """
    from handouts.readback import read
    from handouts.readback.write import result_json, write_result

    with reporting(obj.debug):
        result = read(list(scans), layouts=list(layouts) if layouts else None, library=obj.library)
        with stoppable():
            write_result(result, output, force=force)
        if as_json:
            click.echo(result_json(result))
        else:
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
            for line in result.summaries():
                click.echo(line)
            click.echo(f"wrote {output / 'adherence.csv'} and {output / 'review.csv'}")
        sys.exit(result.exit_code)
