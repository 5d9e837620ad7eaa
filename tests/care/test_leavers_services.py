"""Care leavers through their services: pathway plans, contact around birthdays (903 OC3) and
staying put, with every refusal and the audit.

Today is Monday 23 November 2026. Lee Hart was born on 1 March 2007 and was looked after from his
15th birthday (1 March 2022) to his 18th (1 March 2025): a former relevant young person of 19.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masa.care import services_leavers as services
from masa.care.checks import CareFinding
from masa.care.models import CareLeaverContact, CarerKind, PathwayPlan, StayingPut
from masa.core.models import AuditAction, AuditEvent
from masa.core.services import ServiceError
from masa.journey.models import ChronologyEntry
from masa.people.models import Child
from tests.conftest import World
from tests.factories import ChildFactory
from tests.journey.factories import today

from .factories import make_carer, make_episode

__all__ = ["today"]

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def lee(world: World, today: dt.date) -> Child:
    child = ChildFactory(
        partnership=world.partnership,
        first_name="Lee",
        last_name="Hart",
        owning_team=world.la_team,
        date_of_birth=D(2007, 3, 1),
    )
    make_episode(child, started_on=D(2022, 3, 1), ended_on=D(2025, 3, 1), reason_ceased="E8")
    return child


def refused(call: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value


# ---------------------------------------------------------------- pathway plans


def plan(world: World, child: Child, **changes: Any) -> PathwayPlan:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "child": child,
        "kind": services.PLAN,
        "on": D(2026, 5, 1),
        "personal_adviser": world.users["social_worker"],
        "summary": "Wants to study catering; needs a tenancy by September.",
    }
    values.update(changes)
    return services.pathway_plan_recorded(**values)


def test_a_plan_and_its_review_are_recorded(world: World, lee: Child) -> None:
    first = plan(world, lee)
    review = plan(world, lee, kind=services.REVIEW, on=D(2026, 10, 30))

    assert (first.agreed_on, first.reviewed_on) == (D(2026, 5, 1), None)
    assert (review.agreed_on, review.reviewed_on) == (D(2026, 5, 1), D(2026, 10, 30))
    assert ChronologyEntry.objects.filter(child=lee, summary="Pathway plan reviewed").exists()
    assert AuditEvent.objects.filter(object_type="pathway_plan", child_id=lee.pk).count() == 2


def test_a_review_without_an_earlier_plan_is_refused(world: World, lee: Child) -> None:
    plan(world, lee, on=D(2026, 5, 1))

    error = refused(lambda: plan(world, lee, kind=services.REVIEW, on=D(2026, 4, 1)))

    assert error.field == "kind"
    assert error.message.startswith("There is no pathway plan before this date to review")


def test_two_plans_on_one_day_are_refused(world: World, lee: Child) -> None:
    plan(world, lee)

    error = refused(lambda: plan(world, lee))

    assert error.message == "A plan or review is already recorded on 1 May 2026"


def test_a_plan_before_the_14th_birthday_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: plan(world, lee, on=D(2021, 2, 28)))

    assert error.message == "A pathway plan must be on or after Lee's 14th birthday (1 March 2021)"


def test_a_plan_in_the_future_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: plan(world, lee, on=D(2026, 11, 24)))

    assert error.message == "The date must be today or in the past"


def test_a_plan_for_a_child_never_looked_after_is_refused(world: World, today: dt.date) -> None:
    child = ChildFactory(partnership=world.partnership, date_of_birth=D(2009, 1, 1))

    error = refused(lambda: plan(world, child))

    assert "has never been looked after" in error.message


def test_only_people_who_record_care_may_record_a_plan(world: World, lee: Child) -> None:
    error = refused(lambda: plan(world, lee, actor=world.users["police_officer"]))

    assert error.message == "You cannot record care leavers' plans and contact"


# ---------------------------------------------------------------- contact around birthdays


def contact(world: World, child: Child, **changes: Any) -> CareLeaverContact:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "child": child,
        "age": 19,
        "in_touch": "YES",
        "activity": "F5",
        "accommodation": "U1",
        "contacted_on": D(2026, 3, 3),
    }
    values.update(changes)
    return services.leaver_contact_recorded(**values)


def test_contact_at_the_19th_birthday_is_recorded_for_that_collection_year(
    world: World, lee: Child
) -> None:
    saved = contact(world, lee)

    assert saved.year_ending == 2026  # 1 March 2026 is in 2025/26
    assert (saved.in_touch, saved.activity, saved.accommodation) == ("YES", "F5", "U1")
    assert services.accommodation_text("U1") == (
        "Independent living, such as a tenancy, flat share or student accommodation (suitable)"
    )


def test_recording_a_birthday_again_replaces_it_and_audits_both(world: World, lee: Child) -> None:
    first = contact(world, lee)
    second = contact(world, lee, activity="G5", accommodation="S2")

    assert second.pk == first.pk
    change = AuditEvent.objects.filter(object_type="care_leaver_contact").order_by("pk").last()
    assert change is not None and change.action == AuditAction.UPDATE
    assert change.before["accommodation"] == "U1"
    assert change.after["accommodation"] == "S2"


def test_contact_while_still_looked_after_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: contact(world, lee, age=17))

    assert error.field == "age"
    assert error.message == (
        "Lee was still looked after on their 17th birthday: care leaver information is not "
        "needed for young people still looked after (DfE rule 1007)"
    )


def test_contact_before_the_birthday_has_come_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: contact(world, lee, age=20))

    assert "20th birthday is on 1 March 2027" in error.message


def test_contact_for_someone_who_is_not_a_care_leaver_is_refused(
    world: World, today: dt.date
) -> None:
    child = ChildFactory(partnership=world.partnership, date_of_birth=D(2007, 3, 1))
    make_episode(child, started_on=D(2022, 3, 1), ended_on=D(2022, 4, 1), reason_ceased="E8")

    error = refused(lambda: contact(world, child))

    assert error.message.startswith("Child")
    assert "was not a care leaver on their 19th birthday: Looked after for 31 days" in (
        error.message
    )


def test_in_touch_without_activity_or_accommodation_is_refused(world: World, lee: Child) -> None:
    assert refused(lambda: contact(world, lee, activity="")).field == "activity"
    assert refused(lambda: contact(world, lee, accommodation="")).field == "accommodation"


def test_activity_after_a_young_person_died_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: contact(world, lee, in_touch="DIED"))

    assert "(DfE rule 344)" in error.message


def test_not_in_touch_may_leave_activity_and_accommodation_unknown(
    world: World, lee: Child
) -> None:
    saved = contact(world, lee, in_touch="NO", activity="", accommodation="")

    assert (saved.activity, saved.accommodation) == ("", "")


def test_an_activity_code_from_before_2021_22_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: contact(world, lee, activity="F3"))

    assert error.message == "'F3' is not an activity code the DfE accepts in 2025/26"


def test_an_old_year_accepts_its_own_activity_codes(world: World, today: dt.date) -> None:
    older = ChildFactory(partnership=world.partnership, date_of_birth=D(2001, 3, 1))
    make_episode(older, started_on=D(2016, 3, 1), ended_on=D(2019, 3, 1), reason_ceased="E8")

    saved = contact(world, older, age=19, activity="F3")  # 1 March 2020: 2019/20

    assert saved.year_ending == 2020


def test_former_foster_carers_is_not_for_17_year_olds(world: World, today: dt.date) -> None:
    child = ChildFactory(partnership=world.partnership, date_of_birth=D(2008, 3, 1))
    make_episode(child, started_on=D(2023, 3, 1), ended_on=D(2024, 9, 1), reason_ceased="E8")

    error = refused(lambda: contact(world, child, age=17, accommodation="Z1"))

    assert error.field == "accommodation"


def test_a_903_finding_about_the_contact_refuses_it(
    world: World, lee: Child, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = CareFinding("OC3", 1, ("ACCOM",), "133", "Data entry for accommodation is invalid.")
    monkeypatch.setattr("masa.care.checks.findings_for_child", lambda child, today: [finding])

    error = refused(lambda: contact(world, lee))

    assert error.message == "Data entry for accommodation is invalid. (DfE rule 133)"
    assert error.field == "accommodation"
    assert not CareLeaverContact.objects.exists()


# ---------------------------------------------------------------- staying put


def staying(world: World, child: Child, **changes: Any) -> StayingPut:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "child": child,
        "carer": make_carer(world.partnership),
        "started_on": D(2025, 3, 1),
    }
    values.update(changes)
    return services.staying_put_started(**values)


def test_staying_put_begins_at_18_and_ends(world: World, lee: Child) -> None:
    arrangement = staying(world, lee)
    ended = services.staying_put_ended(
        actor=world.users["social_worker"], arrangement=arrangement, ended_on=D(2026, 7, 31)
    )

    assert ended.ended_on == D(2026, 7, 31)
    assert [
        e.action for e in AuditEvent.objects.filter(object_type="staying_put").order_by("pk")
    ] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
    ]
    assert ChronologyEntry.objects.filter(
        child=lee, summary="Began staying put with former foster carers"
    ).exists()


def test_staying_put_before_18_is_refused(world: World, lee: Child) -> None:
    error = refused(lambda: staying(world, lee, started_on=D(2025, 2, 28)))

    assert error.message == "Staying put begins at 18: Lee's 18th birthday is 1 March 2025"


def test_staying_put_with_a_childrens_home_is_refused(world: World, lee: Child) -> None:
    home = make_carer(world.partnership, name="Oak House", kind=CarerKind.CHILDRENS_HOME)

    error = refused(lambda: staying(world, lee, carer=home))

    assert error.message == (
        "Staying put is with former foster carers: Oak House is a children's home"
    )


def test_staying_put_for_someone_who_is_not_former_relevant_is_refused(
    world: World, today: dt.date
) -> None:
    child = ChildFactory(partnership=world.partnership, date_of_birth=D(2007, 3, 1))

    error = refused(lambda: staying(world, child))

    assert error.message.startswith("Staying put is for former relevant young people")


def test_a_second_arrangement_while_one_is_open_is_refused(world: World, lee: Child) -> None:
    staying(world, lee)

    error = refused(lambda: staying(world, lee, started_on=D(2026, 1, 1)))

    assert "is already staying put (from 1 March 2025)" in error.message


def test_an_end_before_the_start_is_refused(world: World, lee: Child) -> None:
    arrangement = staying(world, lee)

    error = refused(
        lambda: services.staying_put_ended(
            actor=world.users["social_worker"], arrangement=arrangement, ended_on=D(2025, 2, 1)
        )
    )

    assert error.message == "The date staying put ended must be on or after it began (1 March 2025)"


def test_a_new_arrangement_must_begin_after_the_last_ended(world: World, lee: Child) -> None:
    first = staying(world, lee)
    services.staying_put_ended(
        actor=world.users["social_worker"], arrangement=first, ended_on=D(2026, 1, 31)
    )

    error = refused(lambda: staying(world, lee, started_on=D(2026, 1, 1)))
    again = staying(world, lee, started_on=D(2026, 1, 31))

    assert "on or after the last one ended (31 January 2026)" in error.message
    assert again.started_on == D(2026, 1, 31)
