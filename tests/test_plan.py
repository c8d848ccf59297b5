"""The clinical rules of DESIGN.md, one row per situation."""

from __future__ import annotations

import pytest

from handouts.errors import InputError
from handouts.rules.plan import make_plan
from handouts.wording import COMMAND_LINE


def ids(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.id for p in plan.exercises]


def codes(plan) -> set[str]:  # type: ignore[no-untyped-def]
    return {w.code for w in plan.warnings}


@pytest.mark.parametrize(
    ("changes", "expected_ids", "expected_codes"),
    [
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute"},
                     ["prone-on-elbows", "standing-extension", "walking"], set(), id="acute-disc-default"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute",
                      "exercises": ("prone-on-elbows", "prone-plank", "low-back-bridge")},
                     ["prone-on-elbows", "walking"], {"removed-strengthening", "added"}, id="acute-removes-strengthening"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute", "overrides": frozenset({"allow_strengthening"}),
                      "exercises": ("prone-on-elbows", "prone-plank")},
                     ["prone-on-elbows", "prone-plank", "low-back-bridge", "walking"],
                     {"kept-strengthening", "paired", "added"},
                     id="acute-override-keeps-and-pairs"),
        pytest.param({"diagnosis": "nonspecific", "phase": "subacute", "exercises": ("abdominal-bracing",)},
                     ["abdominal-bracing", "low-back-bridge", "walking"], {"paired", "added", "unbalanced"},
                     id="abdominal-paired-with-bridge"),
        pytest.param({"diagnosis": "nonspecific", "phase": "subacute", "exercises": ("prone-plank", "bird-dog")},
                     ["prone-plank", "bird-dog", "walking"], {"added", "unbalanced"},
                     id="abdominal-already-paired"),
        pytest.param({"diagnosis": "nonspecific", "phase": "maintenance", "exercises": ("hamstring-stretch",),
                      "leg_pain": False},
                     ["hamstring-stretch", "walking"], {"added"}, id="walking-added"),
        pytest.param({"diagnosis": "nonspecific", "phase": "maintenance", "exercises": ("hamstring-stretch",),
                      "overrides": frozenset({"skip_walking"}), "leg_pain": False},
                     ["hamstring-stretch"], {"left-out"}, id="walking-skipped-on-request"),
        pytest.param({"diagnosis": "nonspecific", "phase": "acute", "exercises": ("hamstring-stretch",),
                      "leg_pain": False},
                     ["hamstring-stretch", "walking"], {"added"}, id="walking-added-in-acute"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute",
                      "exercises": ("double-knee-to-chest", "walking")},
                     ["double-knee-to-chest", "walking"], {"against-direction"}, id="flexion-against-disc"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "subacute",
                      "exercises": ("prone-on-elbows", "walking")},
                     ["prone-on-elbows", "walking"], {"against-direction"}, id="extension-against-stenosis"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "subacute", "overrides": frozenset({"allow_direction"}),
                      "exercises": ("prone-on-elbows", "walking")},
                     ["prone-on-elbows", "walking"], set(), id="direction-override"),
        pytest.param({"diagnosis": "sciatica", "phase": "subacute",
                      "exercises": ("piriformis-stretch", "walking")},
                     ["piriformis-stretch", "walking"], set(), id="sciatica-clinician-chosen"),
        pytest.param({"diagnosis": "nonspecific", "phase": "maintenance", "leg_pain": False},
                     ["prone-on-elbows", "double-knee-to-chest", "hamstring-stretch", "prone-plank",
                      "low-back-bridge", "walking"], set(), id="maintenance-default"),
    ],
)
def test_rules(library, request_for, changes, expected_ids, expected_codes) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(**changes), library.dataset)
    assert ids(plan) == expected_ids
    assert codes(plan) == expected_codes


@pytest.mark.parametrize("diagnosis", ["herniated-disc", "spinal-stenosis", "nonspecific"])
def test_acute_plans_never_hold_strengthening(library, request_for, diagnosis) -> None:  # type: ignore[no-untyped-def]
    every = tuple(library.dataset.exercises)
    plan = make_plan(request_for(diagnosis=diagnosis, phase="acute", exercises=every), library.dataset)
    assert plan.exercises and all(p.exercise.kind != "strengthen" for p in plan.exercises)
    assert "removed-strengthening" in codes(plan)


@pytest.mark.parametrize("phase", ["subacute", "maintenance"])
@pytest.mark.parametrize("diagnosis", ["herniated-disc", "spinal-stenosis", "nonspecific"])
def test_default_plans_follow_every_rule(library, request_for, diagnosis, phase) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(diagnosis=diagnosis, phase=phase, leg_pain=False), library.dataset)
    groups = [p.exercise.muscle_group for p in plan.exercises]
    kinds = [p.exercise.kind for p in plan.exercises]
    assert "aerobic" in kinds and "stretch" in kinds
    assert "abdominal" not in groups or "back-extensor" in groups
    limit = next(s.settings["count"] for s in library.dataset.region.rules if s.name == "max-exercises")
    assert len(plan.exercises) <= limit
    assert not plan.warnings


def test_sciatica_without_exercises_asks_for_them(library, request_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="no default exercise set for sciatica; choose the exercises"):
        make_plan(request_for(diagnosis="sciatica", phase="subacute"), library.dataset)


def test_acute_plan_with_only_strengthening_is_refused(library, request_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="no exercise is left"):
        make_plan(request_for(phase="acute", exercises=("prone-plank",)), library.dataset)


def test_too_many_exercises_warns(library, request_for) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(exercises=tuple(library.dataset.exercises)), library.dataset)
    assert "too-many" in codes(plan)


def test_dose_changes_apply_and_must_name_a_planned_exercise(library, request_for) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(dose_changes={"hamstring-stretch": {"hold": 30, "times_a_day": 1}}), library.dataset)
    dose = next(p.dose for p in plan.exercises if p.id == "hamstring-stretch")
    assert (dose.hold, dose.times_a_day, dose.repeat) == (30, 1, 2)
    # a new start beyond the old goal drops the goal instead of printing "30 s, build up to 20 s"
    plan = make_plan(request_for(dose_changes={"prone-on-elbows": {"hold": 200}}), library.dataset)
    elbows = next(p.dose for p in plan.exercises if p.id == "prone-on-elbows")
    assert (elbows.hold, elbows.hold_up_to) == (200, None)
    with pytest.raises(InputError, match="dose change for bird-dog, which is not in this plan"):
        make_plan(request_for(dose_changes={"bird-dog": {"hold": 5}}), library.dataset)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"diagnosis": "herniated-disk"}, "unknown diagnosis 'herniated-disk' (did you mean 'herniated-disc'?)",
                     id="diagnosis"),
        pytest.param({"exercises": ("bridge-low-back",)}, "unknown exercise 'bridge-low-back'", id="exercise"),
        pytest.param({"clinic_id": "nowhere"}, "unknown clinic 'nowhere'", id="clinic"),
        pytest.param({"phase": "accute"}, "phase 'accute' is not one of acute, subacute, maintenance "
                     "(did you mean 'acute'?)", id="phase"),
    ],
)
def test_unknown_ids_are_input_errors(library, request_for, changes, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        make_plan(request_for(**changes), library.dataset)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"prone-plank": {"minutes": 10}}, "prone-plank has no 'minutes' to change", id="minutes-on-plank"),
        pytest.param({"walking": {"hold": 30}}, "walking has no 'hold' to change", id="hold-on-walking"),
        pytest.param({"prone-on-elbows": {"sets": 3}}, "prone-on-elbows has no 'sets' to change", id="sets-without-repeat"),
        pytest.param({"hamstring-stretch": {"hold_up_to": 30}}, "hold_up_to=30 must be more than hold=60",
                     id="goal-below-start"),
    ],
)
def test_dose_changes_only_adjust_what_the_dose_has(library, request_for, changes, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        make_plan(request_for(dose_changes=changes), library.dataset)


def test_a_dose_may_gain_a_goal_or_sets_it_can_print(library, request_for) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(dose_changes={"hamstring-stretch": {"hold_up_to": 90, "sets": 2}}), library.dataset)
    dose = next(p.dose for p in plan.exercises if p.id == "hamstring-stretch")
    assert (dose.hold, dose.hold_up_to, dose.repeat, dose.sets) == (60, 90, 2, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"prone-plank": {"hold": 600}},
                     "prone-plank: hold=600 is outside the range for this exercise, 5 s to 120 s "
                     "(limits.hold in prone-plank.yaml)", id="600-second-plank"),
        pytest.param({"prone-plank": {"hold_up_to": 600}},
                     "prone-plank: hold_up_to=600 is outside the range for this exercise, 5 s to 120 s "
                     "(limits.hold in prone-plank.yaml)", id="600-second-goal"),
        pytest.param({"low-back-bridge": {"repeat": 30}},
                     "low-back-bridge: repeat=30 is outside the range for this exercise, 1 to 15", id="30-bridges"),
        pytest.param({"low-back-bridge": {"times_a_day": 6}},
                     "low-back-bridge: times_a_day=6 is outside the range for this exercise, 1 to 2",
                     id="bridges-6-times-a-day"),
        pytest.param({"low-back-bridge": {"sets": 5}},
                     "low-back-bridge: sets=5 is outside the range for this exercise, 1 to 3", id="5-sets"),
        pytest.param({"walking": {"minutes": 120}},
                     "walking: minutes=120 is outside the range for this exercise, 5 min to 60 min",
                     id="2-hour-walk"),
    ],
)
def test_doses_outside_the_exercises_limits_are_refused_with_the_bound(
        library, request_for, changes, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        make_plan(request_for(dose_changes=changes), library.dataset)
    assert message in caught.value.message
    assert caught.value.field == "dose"


def test_a_600_second_back_bend_is_refused(library, request_for) -> None:  # type: ignore[no-untyped-def]
    request = request_for(diagnosis="herniated-disc", phase="acute", dose_changes={"standing-extension": {"hold": 600}})
    with pytest.raises(InputError, match=r"standing-extension: hold=600 is outside the range for this exercise, "
                                         r"1 s to 10 s"):
        make_plan(request, library.dataset)


def test_changing_hold_without_goal_keeps_or_drops_the_build_up_with_a_warning(
        library, request_for) -> None:  # type: ignore[no-untyped-def]
    kept = make_plan(request_for(dose_changes={"prone-plank": {"hold": 20}}), library.dataset)
    plank = next(p.dose for p in kept.exercises if p.id == "prone-plank")
    assert (plank.hold, plank.hold_up_to) == (20, 60)
    warning = next(w for w in kept.warnings if w.exercise_ids == ("prone-plank",))
    assert warning.code == "goal-kept" and warning.fix and warning.fix.name == "dose"
    assert COMMAND_LINE.warning(warning) == ("prone-plank: the new hold of 20 s still builds up to 60 s "
                                            "(pass --dose prone-plank.hold_up_to=N)")
    dropped = make_plan(request_for(dose_changes={"prone-plank": {"hold": 90}}), library.dataset)
    plank = next(p.dose for p in dropped.exercises if p.id == "prone-plank")
    assert (plank.hold, plank.hold_up_to) == (90, None)
    assert COMMAND_LINE.warning(next(w for w in dropped.warnings if w.code == "goal-dropped")) == (
        "prone-plank: the new hold of 90 s reaches the build-up goal of 60 s, so the goal is dropped "
        "(pass --dose prone-plank.hold_up_to=N)")
    both = make_plan(request_for(dose_changes={"prone-plank": {"hold": 20, "hold_up_to": 90}}), library.dataset)
    assert not [w for w in both.warnings if w.code.startswith("goal-")]


@pytest.mark.parametrize(
    ("changes", "expected_ids", "expected_codes"),
    [
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute", "direction": "flexion"},
                     ["double-knee-to-chest", "seated-flexion", "walking"], set(), id="disc-with-flexion-preference"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute", "direction": "flexion", "leg_pain": False},
                     ["double-knee-to-chest", "hamstring-stretch", "abdominal-bracing", "low-back-bridge", "walking"],
                     set(), id="disc-subacute-flexion"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "acute", "direction": "extension"},
                     ["prone-on-elbows", "standing-extension", "walking"], set(),
                     id="stenosis-with-extension-preference"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute", "direction": "extension"},
                     ["prone-on-elbows", "standing-extension", "walking"], set(), id="same-as-the-diagnosis"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute", "direction": "none",
                      "exercises": ("double-knee-to-chest", "walking")},
                     ["double-knee-to-chest", "walking"], set(), id="no-preference-no-warning"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute", "direction": "flexion",
                      "exercises": ("prone-on-elbows", "double-knee-to-chest")},
                     ["prone-on-elbows", "double-knee-to-chest", "walking"], {"against-patient-direction", "added"},
                     id="chosen-stretch-against-the-patient"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "maintenance",
                      "exercises": ("double-knee-to-chest", "prone-on-elbows", "walking")},
                     ["double-knee-to-chest", "prone-on-elbows", "walking"], set(), id="maintenance-both-directions"),
        pytest.param({"diagnosis": "nonspecific", "phase": "maintenance", "direction": "extension", "leg_pain": False},
                     ["prone-on-elbows", "double-knee-to-chest", "hamstring-stretch", "prone-plank",
                      "low-back-bridge", "walking"], set(), id="maintenance-keeps-its-defaults"),
    ],
)
def test_direction_belongs_to_the_patient(library, request_for, changes, expected_ids,
                                          expected_codes) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(**changes), library.dataset)
    assert ids(plan) == expected_ids
    assert codes(plan) == expected_codes


def test_a_swapped_stretch_is_marked_and_a_mismatch_must_be_confirmed(library, request_for) -> None:  # type: ignore[no-untyped-def]
    swapped = make_plan(request_for(diagnosis="herniated-disc", phase="acute", direction="flexion"), library.dataset)
    assert [p.added_by for p in swapped.exercises] == ["direction", "direction", None]
    against = make_plan(request_for(diagnosis="herniated-disc", phase="acute", direction="flexion",
                                    exercises=("prone-on-elbows",)), library.dataset)
    warning = next(w for w in against.warnings if w.code == "against-patient-direction")
    assert warning.confirm and warning.override == "allow_direction"
    assert COMMAND_LINE.warning(warning) == ("this patient's preferred direction is flexion; prone-on-elbows goes "
                                            "the other way (pass --allow-direction)")
    allowed = make_plan(request_for(diagnosis="herniated-disc", phase="acute", direction="flexion",
                                    exercises=("prone-on-elbows",), overrides=frozenset({"allow_direction"})),
                        library.dataset)
    assert codes(allowed) == {"added"}


STRAP, BENT_KNEE = "hamstring-stretch", "hamstring-stretch-bent-knee"
END_RANGE_FLEXION = {"double-knee-to-chest", "seated-flexion"}


@pytest.mark.parametrize(
    ("changes", "expected_ids", "expected_codes"),
    [
        pytest.param({"diagnosis": "sciatica", "phase": "acute", "exercises": (STRAP, "piriformis-stretch")},
                     [BENT_KNEE, "piriformis-stretch", "walking"], {"replaced", "added"}, id="acute-sciatica-always"),
        pytest.param({"diagnosis": "sciatica", "phase": "acute", "exercises": (STRAP,), "leg_pain": False},
                     [BENT_KNEE, "walking"], {"replaced", "added"}, id="sciatica-even-if-leg-pain-no"),
        pytest.param({"diagnosis": "sciatica", "phase": "acute", "exercises": (STRAP,),
                      "overrides": frozenset({"allow_nerve_tension"})},
                     [STRAP, "walking"], {"kept-despite", "added"}, id="sciatica-override-keeps-it-with-a-warning"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute", "leg_pain": True},
                     ["prone-on-elbows", BENT_KNEE, "abdominal-bracing", "low-back-bridge", "walking"], {"replaced"},
                     id="disc-with-leg-pain"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute", "leg_pain": False},
                     ["prone-on-elbows", STRAP, "abdominal-bracing", "low-back-bridge", "walking"], set(),
                     id="disc-without-leg-pain"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "subacute"},
                     ["prone-on-elbows", STRAP, "abdominal-bracing", "low-back-bridge", "walking"],
                     {"leg-pain-unknown"}, id="leg-pain-not-recorded-is-asked"),
        pytest.param({"diagnosis": "nonspecific", "phase": "acute", "exercises": (BENT_KNEE, STRAP), "leg_pain": True},
                     [BENT_KNEE, "walking"], {"replaced", "added"}, id="no-duplicate-when-both-chosen"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "subacute", "precautions": frozenset({"osteoporosis"})},
                     ["one-knee-to-chest", "piriformis-stretch", "abdominal-bracing", "low-back-bridge", "walking"],
                     {"replaced"}, id="osteoporosis-stenosis"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "acute", "precautions": frozenset({"osteoporosis"}),
                      "overrides": frozenset({"allow_end_range_flexion"})},
                     ["double-knee-to-chest", "seated-flexion", "walking"], {"kept-despite"}, id="osteoporosis-override"),
    ],
)
def test_patient_facts_change_the_plan(library, request_for, changes, expected_ids,
                                       expected_codes) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(**changes), library.dataset)
    assert ids(plan) == expected_ids
    assert codes(plan) == expected_codes


def test_acute_sciatica_and_the_strap_stretch_never_pass_silently(library, request_for) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(diagnosis="sciatica", phase="acute", exercises=(STRAP, "walking")), library.dataset)
    (warning,) = plan.warnings
    assert COMMAND_LINE.warning(warning) == (
        "sciatica: hamstring-stretch replaced by hamstring-stretch-bent-knee, since a straight leg with the foot "
        "pulled up also pulls on the sciatic nerve (pass --allow-nerve-tension)")
    asked = make_plan(request_for(diagnosis="nonspecific", phase="acute"), library.dataset)
    assert COMMAND_LINE.warning(next(w for w in asked.warnings if w.code == "leg-pain-unknown")) == (
        "leg pain is not recorded, so hamstring-stretch is kept; with leg pain it would be replaced, since a "
        "straight leg with the foot pulled up also pulls on the sciatic nerve (pass --leg-pain yes or no)")


def test_two_exercises_replaced_by_one_say_so_in_one_warning(library, request_for) -> None:  # type: ignore[no-untyped-def]
    # Acute stenosis plans both knees to chest and the seated bend: with osteoporosis one exercise takes
    # the place of both, and the plan is an exercise shorter; two warnings read as two swaps.
    request = request_for(diagnosis="spinal-stenosis", phase="acute", precautions=frozenset({"osteoporosis"}))
    plan = make_plan(request, library.dataset)
    (warning,) = [w for w in plan.warnings if w.code == "replaced"]
    assert COMMAND_LINE.warning(warning) == (
        "osteoporosis or fracture risk: double-knee-to-chest, seated-flexion replaced by one-knee-to-chest (one "
        "exercise in place of both), since bending the spine forward to its limit may raise the risk of a spinal "
        "fracture (pass --allow-end-range-flexion)")
    both = make_plan(request_for(diagnosis="nonspecific", phase="acute", exercises=(BENT_KNEE, STRAP), leg_pain=True),
                     library.dataset)
    (kept,) = [w for w in both.warnings if w.code == "replaced"]
    assert COMMAND_LINE.warning_sentence(kept).startswith(
        "leg pain: hamstring-stretch replaced by hamstring-stretch-bent-knee (already in the plan), since ")


@pytest.mark.parametrize("phase", ["acute", "subacute", "maintenance"])
@pytest.mark.parametrize("diagnosis", ["herniated-disc", "spinal-stenosis", "nonspecific"])
def test_osteoporosis_removes_end_range_flexion(library, request_for, diagnosis, phase) -> None:  # type: ignore[no-untyped-def]
    request = request_for(diagnosis=diagnosis, phase=phase, precautions=frozenset({"osteoporosis"}),
                          direction="flexion", leg_pain=False)
    plan = make_plan(request, library.dataset)
    assert not END_RANGE_FLEXION & set(ids(plan))
    assert "one-knee-to-chest" in ids(plan) or phase == "maintenance" and diagnosis == "herniated-disc"
    for warning in (w for w in plan.warnings if w.code == "replaced"):
        assert COMMAND_LINE.warning(warning).startswith("osteoporosis or fracture risk: ")
        assert " replaced by one-knee-to-chest" in COMMAND_LINE.warning(warning)
        assert COMMAND_LINE.warning(warning).endswith(
            ", since bending the spine forward to its limit may raise the risk of a spinal fracture "
            "(pass --allow-end-range-flexion)")



@pytest.mark.parametrize("diagnosis", ["herniated-disc", "spinal-stenosis", "nonspecific"])
def test_acute_plans_include_short_easy_walks_unless_left_out(library, request_for, diagnosis) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(request_for(diagnosis=diagnosis, phase="acute", leg_pain=False), library.dataset)
    assert ids(plan)[-1] == "walking" and not plan.warnings
    left_out = make_plan(request_for(diagnosis=diagnosis, phase="acute", leg_pain=False,
                                     overrides=frozenset({"skip_walking"})), library.dataset)
    assert "walking" not in ids(left_out) and codes(left_out) == {"left-out"}
    assert all(p.exercise.kind == "stretch" for p in left_out.exercises)
