"""Check a loaded dataset against its rules: every rule's settings, and every protocol default.

Run once when the library opens, so a clinic's mistake in ``region.yaml`` or a
protocol default a rule would always undo is reported before any handout.
"""

from __future__ import annotations

from handouts.errors import DataError, did_you_mean
from handouts.model import Dataset
from handouts.rules.steps import RULES


def check_dataset(dataset: Dataset) -> list[DataError]:
    """Every problem with the region's rule list and the protocols, each naming its file and key."""
    region = dataset.region
    problems: list[DataError] = []
    for step in region.rules:
        rule = RULES.get(step.name)
        if rule is None:
            problems.append(DataError(f"unknown rule {step.name!r}{did_you_mean(step.name, RULES)}; "
                                      f"rules: {', '.join(RULES)}", path=region.path, key=step.where))
            continue
        problems += [DataError(message, path=region.path, key=f"{step.where}.{key}")
                     for key, message in rule.check(step.settings, dataset)]
    if problems:
        return problems
    protocols = region.path.parent / "protocols.yaml" if region.path else None
    for protocol in dataset.protocols.values():
        for phase, ids in protocol.phases.items():
            for exercise_id in ids:
                exercise = dataset.exercises.get(exercise_id)
                if exercise is None:
                    continue  # reported when the protocols loaded
                for step in region.rules:
                    message = RULES[step.name].protocol_problem(protocol, phase, exercise, step.settings)
                    if message:
                        problems.append(DataError(message, path=protocols,
                                                  key=f"diagnoses.{protocol.diagnosis}.{phase}"))
    return problems
