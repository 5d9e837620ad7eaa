"""Referrals: the re-referral rule at its 12-month boundary, the referral page, and closing a
referral with no further action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.frontdoor.models import Referral
from masa.frontdoor.selectors import is_re_referral, previous_referral
from masa.journey.models import Case, CaseTransition, Stage
from tests.casework_factories import make_case, make_referral
from tests.conftest import World

from .factories import contact_awaiting, date_fields, decision_form

pytestmark = pytest.mark.django_db


def _referral_on(world: World, day: dt.date) -> Referral:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CLOSED, opened_on=day, actor=sw)
    Case.objects.filter(pk=case.pk).update(closed_on=day + dt.timedelta(days=20))
    return make_referral(case, referral_date=day, actor=sw)


@pytest.mark.parametrize(
    ("previous", "this", "again"),
    [
        (dt.date(2025, 11, 23), dt.date(2026, 11, 23), True),  # exactly 12 months: within
        (dt.date(2025, 11, 22), dt.date(2026, 11, 23), False),  # 12 months and a day: not
        (dt.date(2026, 6, 3), dt.date(2026, 11, 23), True),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # no 29 February: the month's end
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
    ],
)
def test_a_re_referral_is_within_12_calendar_months_of_the_previous_referral(
    world: World, previous: dt.date, this: dt.date, again: bool
) -> None:
    _referral_on(world, previous)
    later = _referral_on(world, this)
    assert is_re_referral(later) is again


def test_the_first_referral_is_not_a_re_referral_and_only_earlier_ones_count(world: World) -> None:
    first = _referral_on(world, dt.date(2026, 6, 3))
    assert is_re_referral(first) is False
    _referral_on(world, dt.date(2026, 9, 1))  # a later referral does not make the first one again
    assert is_re_referral(first) is False


def test_the_decision_page_and_the_referral_page_show_the_re_referral(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    _referral_on(world, dt.date(2026, 6, 3))
    contact = contact_awaiting(world.child, world.users["social_worker"])
    client = client_for("team_manager")
    decide = client.get(f"/front-door/contacts/{contact.pk}/decision/").content.decode()
    assert "This will be a re-referral: previous referral 3 June 2026" in decide

    response = client.post(f"/front-door/contacts/{contact.pk}/decision/", decision_form(contact))
    assert response.status_code == 302
    referral = Referral.objects.get(contact=contact)
    page = client_for("police_officer").get(f"/front-door/referrals/{referral.pk}/")
    body = page.content.decode()
    assert "Re-referral" in body
    assert "Previous referral 3 June 2026, within 12 months before this one" in body
    assert previous_referral(world.child.pk, referral.referral_date, exclude_pk=referral.pk)


def test_no_warning_when_the_previous_referral_is_older_than_12_months(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    _referral_on(world, today.replace(year=today.year - 1) - dt.timedelta(days=1))
    contact = contact_awaiting(world.child, world.users["social_worker"])
    page = client_for("team_manager").get(f"/front-door/contacts/{contact.pk}/decision/")
    assert "This will be a re-referral" not in page.content.decode()


def _open_referral(world: World, day: dt.date | None = None) -> Referral:
    sw = world.users["social_worker"]
    day = day or timezone.localdate() - dt.timedelta(days=2)
    case = make_case(world.child, stage=Stage.REFERRAL, opened_on=day, actor=sw)
    return make_referral(case, referral_date=day, actor=sw)


def _nfa(referral: Referral, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **date_fields("closed_on", timezone.localdate()),
        "closure_reason": "RC7",
        "reason": "Family accepted support from the school; no role for social care",
        "version": str(referral.version),
    }
    data.update(overrides)
    return data


def test_a_manager_closes_a_referral_with_no_further_action(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    referral = _open_referral(world)
    client = client_for("team_manager")
    assert (
        "Close with no further action"
        in client.get(f"/front-door/referrals/{referral.pk}/").content.decode()
    )
    response = client.post(
        f"/front-door/referrals/{referral.pk}/no-further-action/", _nfa(referral)
    )
    assert response.status_code == 302

    referral.refresh_from_db()
    assert referral.no_further_action is True
    assert (referral.closure_date, referral.closure_reason) == (timezone.localdate(), "RC7")
    case = Case.objects.get(pk=referral.case_id)
    assert (case.stage, case.closed_on) == (Stage.CLOSED, timezone.localdate())
    move = CaseTransition.objects.filter(case=case).last()
    assert move is not None and move.moved_by == world.users["team_manager"]
    assert "Referral closed with no further action" in move.reason
    page = client.get(f"/front-door/referrals/{referral.pk}/").content.decode()
    assert "Services ceased for any other reason" in page
    assert "Close with no further action" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closure_reason": ""}, 'href="#closure_reason">Select the reason for closure'),
        ({"reason": ""}, 'href="#reason">Enter why no further action is needed'),
        ({"closed_on_day": ""}, "Closure date must include a day"),
        (
            date_fields("closed_on", timezone.localdate() + dt.timedelta(days=1)),
            "The closure date must be today or in the past",
        ),
        (
            date_fields("closed_on", timezone.localdate() - dt.timedelta(days=5)),
            "The closure date must be on or after the referral date",
        ),
        ({"version": "7"}, "Someone else changed this record while you were working on it"),
    ],
)
def test_bad_closures_are_refused(
    world: World, client_for, overrides: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    referral = _open_referral(world)
    response = client_for("team_manager").post(
        f"/front-door/referrals/{referral.pk}/no-further-action/", _nfa(referral, **overrides)
    )
    assert message in response.content.decode()
    assert Case.objects.get(pk=referral.case_id).stage == Stage.REFERRAL


def test_a_referral_that_has_moved_on_cannot_close_as_no_further_action(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    referral = _open_referral(world)
    Case.objects.filter(pk=referral.case_id).update(stage=Stage.ASSESSMENT)
    response = client_for("team_manager").post(
        f"/front-door/referrals/{referral.pk}/no-further-action/", _nfa(referral)
    )
    assert "This case is at &#39;Assessment&#39;: close it from the case instead" in (
        response.content.decode()
    )
    referral.refresh_from_db()
    assert referral.no_further_action is False


def test_only_managers_close_referrals_and_only_for_children_in_scope(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    referral = _open_referral(world)
    url = f"/front-door/referrals/{referral.pk}/no-further-action/"
    assert client_for("social_worker").get(url).status_code == 403
    sw = world.users["social_worker"]
    hidden_case = make_case(
        world.la_only_child, stage=Stage.REFERRAL, opened_on=dt.date(2026, 11, 2), actor=sw
    )
    hidden = make_referral(hidden_case, referral_date=dt.date(2026, 11, 2), actor=sw)
    assert (
        client_for("police_officer").get(f"/front-door/referrals/{hidden.pk}/").status_code == 404
    )
