"""The DfE's 903 rules on one child's records as a worker saves them (``checks``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from masa.care.checks import SKIPPED_ON_SAVE, findings_for_child
from masa.care.models import Episode
from masa.care.services_looked_after import EpisodeCorrection, Placement, episode_correct
from masa.core.services import ServiceError
from masa.returns.ssda903 import get_rule
from tests.conftest import World

from .test_returns903_support import episode

pytestmark = pytest.mark.django_db


def codes(world: World, today: dt.date) -> set[tuple[str, str, int]]:
    return {(f.code, f.table, f.row) for f in findings_for_child(world.child, today=today)}


def test_a_finding_names_the_record_by_its_place_among_the_childs_records(
    world: World,
) -> None:
    # Looked after since 2022; in the 2024/25 return the second episode's category of need
    # differs from the start of the period (DfE rule 504).
    episode(world.child, dt.date(2022, 5, 1), ended_on=dt.date(2024, 6, 1), reason_ceased="X1",
            reason_place_change="CARPL")  # fmt: skip
    episode(world.child, dt.date(2024, 6, 1), reason_new_episode="P", category_of_need="N4")
    findings = findings_for_child(world.child, today=dt.date(2024, 11, 5))
    [finding] = [f for f in findings if f.code == "504"]
    assert (finding.table, finding.row, finding.fields) == ("Episodes", 2, ("CIN",))
    assert finding.message == get_rule("504").message


def test_a_child_not_in_the_years_return_has_no_findings(world: World) -> None:
    episode(world.child, dt.date(2019, 5, 1), ended_on=dt.date(2020, 1, 1), reason_ceased="E4A",
            placement_type="ZZ")  # fmt: skip
    assert findings_for_child(world.child, today=dt.date(2024, 11, 5)) == []


def test_rules_waiting_for_the_full_return_are_not_run_on_save(world: World) -> None:
    # Placed in the year without previous permanence, UPN or postcodes: the full return
    # reports these (630, 442, 392B), a save does not.
    world.child.upn = ""
    world.child.save()
    episode(world.child, dt.date(2024, 9, 1), home_postcode="", placement_postcode="")
    found = {f.code for f in findings_for_child(world.child, today=dt.date(2024, 11, 5))}
    assert not found & set(SKIPPED_ON_SAVE)
    assert {"630", "442", "392B"} <= set(SKIPPED_ON_SAVE)


def test_after_the_last_year_masa_holds_its_rules_run_over_the_new_years_dates(
    world: World,
) -> None:
    # 23 November 2026 is in 2026/27, which has no DfE specification yet: the 2025/26 rules run
    # on the episodes open since 1 April 2026 (an episode starting after the 2025/26 year is
    # not "beyond the year").
    episode(world.child, dt.date(2026, 5, 1), ended_on=dt.date(2026, 9, 1), reason_ceased="X1",
            reason_place_change="CARPL")  # fmt: skip
    episode(world.child, dt.date(2026, 9, 1), reason_new_episode="P", placement_type="U6",
            category_of_need="N5")  # fmt: skip
    world.child.ethnicity = "WBRI"
    world.child.save()
    assert codes(world, dt.date(2026, 11, 23)) == {("504", "Episodes", 2)}


def test_a_save_that_breaks_a_rule_about_the_record_is_refused_with_the_dfe_message(
    world: World,
) -> None:
    episode(world.child, dt.date(2026, 5, 1), ended_on=dt.date(2026, 9, 1), reason_ceased="X1",
            reason_place_change="CARPL")  # fmt: skip
    second = episode(world.child, dt.date(2026, 9, 1), reason_new_episode="L", legal_status="C1")
    fix = EpisodeCorrection(
        started_on=second.started_on,
        reason_new_episode="L",
        legal_status="C1",
        category_of_need="N4",  # the period started with N1
        placement=Placement("U4", "PR1", None, "NB2 3CD", ""),
        home_postcode="NB1 2AB",
        reason_place_change="",
        ended_on=None,
        reason_ceased="",
    )
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        episode_correct(
            actor=world.users["social_worker"],
            episode=second,
            version=second.version,
            fix=fix,
            reason="Category recorded wrongly",
        )
    assert refused.value.message == f"{get_rule('504').message} (DfE rule 504)"
    assert refused.value.field == "category_of_need"
    assert Episode.objects.get(pk=second.pk).category_of_need == "N1"
