"""How each interface words the library's errors and warnings: the command line, a patients CSV, the web.

The library says *what* happened as data: a warning's code, the exercises it is
about and the override that would change it; an error's field and fix. Each
interface names its own controls: ``--allow-strengthening`` on the command line,
the ``allow_strengthening`` column in a patients CSV, a tick box on the web form.
No interface ever parses another's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handouts.errors import Fix, HandoutError
from handouts.model import PlanWarning

#: The sentence of each warning code; {exercises} and {related} are the exercises named,
#: other fields are the warning's details.
WARNINGS = {
    "removed-strengthening": "{phase} phase is stretching only: removed {exercises}",
    "kept-strengthening": "{phase} phase: keeping strengthening ({exercises}) as you allowed",
    "against-direction": "{diagnosis} usually favours {direction} stretches; {exercises} {goes} the other way",
    "against-patient-direction": "this patient's preferred direction is {direction}; {exercises} {goes} the other way",
    "paired": "added {exercises} to balance the {group} exercise {related} with a {partner} exercise",
    "added": "added {exercises}: part of every {phase} plan",
    "left-out": "{exercises} left out as you asked; {reason}",
    "unbalanced": "the plan has strengthening but no stretching; a mix of both is better for the back",
    "too-many": "{count} exercises: more than {limit} makes a long handout that patients follow less",
    "replaced": "{because}: {exercises} replaced by {related}{merged}, since {reason}",
    "removed-for": "{because}: {exercises} removed, since {reason}",
    "kept-despite": "{because}: {exercises} kept as you allowed",
    "leg-pain-unknown": "leg pain is not recorded, so {exercises} {is} kept; with leg pain {it} would be replaced, "
                        "since {reason}",
    "goal-kept": "{exercises}: the new {start} of {value} still builds up to {goal}",
    "goal-dropped": "{exercises}: the new {start} of {value} reaches the build-up goal of {goal}, "
                    "so the goal is dropped",
    "start-past": "the checklist starts on {start}, {days} days before today{over}; check the start date{year}",
    "start-far-ahead": "the checklist starts on {start}, {days} days from today; check the start date{year}",
}

Namer = Callable[[str, str], str]  # (what, id) -> what to show, e.g. ('exercise', 'bird-dog') -> 'Bird dog'


def _ids(what: str, value: str) -> str:
    return value


@dataclass(frozen=True)
class Wording:
    """One interface's words for fields, fixes and the things the library names by id."""

    field: Callable[[str], str]  # 'start_date' -> '--start-date'
    fix: Callable[[Fix], str]  # what to do, e.g. 'pass --allow-strengthening'; '' when it has no words for it
    name: Namer = _ids

    def error(self, error: HandoutError, *, located: bool = True, labelled: bool = True) -> str:
        """One line for ``error``: where (unless not ``located``), which field (unless not ``labelled``),
        what is wrong and what would fix it."""
        field = error.column or error.field
        label = f"{self.field(field)}: " if field and labelled and self.field(field) else ""
        where = error.where() if located else ""
        if error.column and located:
            label = ""  # where() names the column already
        return where + label + error.message + self.hint(error.fix)

    def warning(self, warning: PlanWarning) -> str:
        """The warning as a sentence, with what to set to change it."""
        fix = Fix("override", warning.override) if warning.override else warning.fix
        return self.warning_sentence(warning) + self.hint(fix)

    def warning_sentence(self, warning: PlanWarning) -> str:
        """The warning's sentence alone."""
        values = {name: self.name(name, value) for name, value in warning.details}
        values["exercises"] = ", ".join(self.name("exercise", i) for i in warning.exercise_ids)
        values["related"] = ", ".join(self.name("exercise", i) for i in warning.related_ids)
        values["goes"] = "goes" if len(warning.exercise_ids) == 1 else "go"
        values["is"] = "is" if len(warning.exercise_ids) == 1 else "are"
        values["it"] = "it" if len(warning.exercise_ids) == 1 else "they"
        return WARNINGS.get(warning.code, warning.code).format_map(_Blank(values))

    def hint(self, fix: Fix | None) -> str:
        """What to do, to follow a message: '; see ...' for where to look, else '(...)'."""
        text = self.fix(fix) if fix else ""
        if not text:
            return ""
        return f"; {text}" if fix and fix.kind == "listing" else f" ({text})"


class _Blank(dict[str, str]):
    """Formatting values where a missing detail prints as nothing, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def flag(name: str) -> str:
    """The command-line option for a field, override or setting: 'allow_strengthening' -> '--allow-strengthening'."""
    return "--" + name.replace("_", "-")


def _command_line_fix(fix: Fix) -> str:
    if fix.kind == "listing":
        return f"see 'handouts {fix.name}'"
    choices = " or ".join(fix.choices)
    return f"pass {flag(fix.name)}" + (f" {choices}" if choices else "")


def _csv_fix(fix: Fix) -> str:
    if fix.kind == "override":
        return f"set the {fix.name} column to yes"
    if fix.kind == "field":
        return f"fill in the {fix.name} column"
    return _command_line_fix(fix)


#: The command line: fields and settings are options.
COMMAND_LINE = Wording(field=flag, fix=_command_line_fix)
#: A patients CSV (a batch, its manifest): fields and overrides are columns.
CSV = Wording(field=lambda name: f"column {name!r}", fix=_csv_fix)
