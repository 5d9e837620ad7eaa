"""From database records to figures: the frames, ``figure()`` and ``figures()`` end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.frontdoor.models import Referral
from masa.indicators.catalogue import MEASURES
from masa.indicators.frames import Window, load_frames
from masa.indicators.periods import financial_year
from masa.indicators.selectors import figure, figures, figures_for_periods
from masa.indicators.services import population_set
from masa.journey.models import Case, Stage
from masa.people.models import Child
from masa.protection.models import Assessment

from ..casework_factories import (
    make_case,
    make_contact,
    make_cp_plan,
    make_referral,
    make_strategy_and_s47,
)
from ..conftest import World
from ..factories import AgencyFactory, ChildFactory, PartnershipFactory, TeamFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = financial_year(2024)  # 1 April 2024 to 31 March 2025


def closed_case(child: Child, opened_on: D, closed_on: D, actor) -> Case:  # type: ignore[no-untyped-def, valid-type]
    case = make_case(child, stage=Stage.CLOSED, opened_on=opened_on, actor=actor)
    Case.objects.filter(pk=case.pk).update(closed_on=closed_on)
    return case


def build_records(world: World) -> dict[str, Child]:
    """Kira: contact and referral on 1 April 2024, assessment authorised on working day 45,
    section 47 enquiry on 12 August and her conference on working day 15 (3 September), which
    started a neglect plan still open; a duplicate record of hers, merged into hers, had a plan
    in 2019. Jay: referred on 23 November 2023 and again exactly 12 months later."""
    sw = world.users["social_worker"]
    kira, jay = world.child, world.la_only_child
    case = make_case(kira, stage=Stage.CP_PLAN, opened_on=D(2024, 4, 1), actor=sw)
    contact = make_contact(
        case, received_on=D(2024, 4, 1), actor=sw, decision="referral", decided_on=D(2024, 4, 1)
    )
    make_contact(case, received_on=D(2024, 4, 2), actor=sw, decision="nfa")
    referral = make_referral(case, referral_date=D(2024, 4, 1), actor=sw)
    Referral.objects.filter(pk=referral.pk).update(contact=contact)
    Assessment.objects.create(
        case=case,
        child=kira,
        started_on=D(2024, 4, 2),
        authorised_on=D(2024, 6, 6),
        recorded_by=sw,
    )
    make_strategy_and_s47(case, held_on=D(2024, 8, 12), actor=sw)
    make_cp_plan(case, icpc_on=D(2024, 9, 3), actor=sw)

    duplicate = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
    old = closed_case(duplicate, D(2019, 1, 7), D(2019, 12, 2), sw)
    make_cp_plan(old, icpc_on=D(2019, 1, 21), actor=sw, ended_on=D(2019, 12, 2))
    Child.objects.filter(pk=duplicate.pk).update(merged_into=kira)

    first = closed_case(jay, D(2023, 11, 23), D(2024, 1, 10), sw)
    make_referral(first, referral_date=D(2023, 11, 23), actor=sw)
    Referral.objects.filter(case=first).update(closure_date=D(2024, 1, 10))
    second = make_case(jay, stage=Stage.REFERRAL, opened_on=D(2024, 11, 23), actor=sw)
    make_referral(second, referral_date=D(2024, 11, 23), actor=sw)
    return {"kira": kira, "jay": jay}


def other_partnership_referral(world: World) -> None:
    """A referral in the same year in another partnership: never in this one's figures."""
    other = PartnershipFactory(slug="elsewhere", name="Elsewhere partnership")
    team = TeamFactory(agency=AgencyFactory(partnership=other, name="Elsewhere council"))
    child = ChildFactory(partnership=other, owning_team=team)
    case = make_case(
        child, stage=Stage.REFERRAL, opened_on=D(2024, 5, 1), actor=world.users["social_worker"]
    )
    make_referral(case, referral_date=D(2024, 5, 1), actor=world.users["social_worker"])


def test_figures_from_the_records_by_the_dfe_definitions(world: World) -> None:
    build_records(world)
    other_partnership_referral(world)
    population_set(world.partnership, 2024, 20_000, source="Test estimate")
    got = {f.measure.code: f for f in figures(world.partnership.pk, YEAR)}

    assert (got["contacts"].numerator, got["contact_conversion"].numerator) == (2, 1)
    assert got["contact_conversion"].value == 50.0
    assert got["referrals"].numerator == 2  # Kira's and Jay's second (not the other area's)
    rate = got["referral_rate"]
    assert (rate.numerator, rate.denominator, rate.population_year) == (2, 20_000, 2024)
    assert rate.value == pytest.approx(1.0)
    assert (got["re_referrals"].numerator, got["re_referrals"].denominator) == (1, 2)
    assert (got["assessments_45_days"].numerator, got["assessments_45_days"].denominator) == (1, 1)
    assert got["s47_enquiries"].numerator == 1
    assert (got["icpc_15_days"].numerator, got["icpc_15_days"].denominator) == (1, 1)
    assert got["cp_rate"].numerator == 1
    assert got["cp_category_n"].value == 100.0
    # The merged duplicate's 2019 plan makes Kira's 2024 plan a second plan (not within 2 years).
    assert (got["cp_second_ever"].numerator, got["cp_second_ever"].denominator) == (1, 1)
    assert got["cp_second_two_years"].numerator == 0
    # Jay's open referral and Kira's plan: two children in need at 31 March 2025.
    assert got["cin_rate"].numerator == 2
    assert got["referral_rate"].dfe_comparable and not got["contacts"].dfe_comparable
    unavailable = got["cla_rate"]
    assert not unavailable.available and unavailable.value is None
    assert len(got) == len(MEASURES)


def test_a_rate_with_no_population_held_has_no_value(world: World) -> None:
    build_records(world)
    result = figure(world.partnership.pk, "referral_rate", YEAR)
    assert (result.numerator, result.denominator, result.value) == (2, None, None)
    assert result.population_year is None


def test_one_figure_takes_a_few_queries_whatever_the_number_of_children(
    world: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    build_records(world)
    population_set(world.partnership, 2024, 20_000)
    figure(world.partnership.pk, "cp_rate", YEAR)  # warm the working-day calendar
    with django_assert_max_num_queries(3):  # plans, children, population
        figure(world.partnership.pk, "cp_rate", YEAR)
    with django_assert_max_num_queries(12):  # one per table and the population
        before = figures(world.partnership.pk, YEAR)
    sw = world.users["social_worker"]
    for n in range(15):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.REFERRAL, opened_on=D(2024, 6, 3), actor=sw)
        make_referral(case, referral_date=D(2024, 6, 3 + n % 3), actor=sw)
    with django_assert_max_num_queries(12):
        after = figures(world.partnership.pk, YEAR)
    counted = {f.measure.code: f.numerator for f in after}
    assert counted["referrals"] == {f.measure.code: f.numerator for f in before}["referrals"] + 15


def test_a_new_record_changes_the_figure_at_once(world: World) -> None:
    build_records(world)
    assert figure(world.partnership.pk, "s47_enquiries", YEAR).numerator == 1
    case = Case.objects.get(child=world.la_only_child, stage=Stage.REFERRAL)
    make_strategy_and_s47(case, held_on=D(2025, 1, 6), actor=world.users["social_worker"])
    assert figure(world.partnership.pk, "s47_enquiries", YEAR).numerator == 2


def test_several_years_load_once_and_give_each_year_its_own_figures(world: World) -> None:
    build_records(world)
    earlier, later = financial_year(2023), financial_year(2024)
    result = figures_for_periods(world.partnership.pk, [earlier, later], ["referrals", "cp_rate"])
    assert [f.numerator for f in result[earlier]] == [1, 0]  # Jay's first; no plan open
    assert [f.numerator for f in result[later]] == [2, 1]


def test_frames_hold_the_kept_child_for_records_of_a_merged_duplicate(world: World) -> None:
    build_records(world)
    frames = load_frames(
        world.partnership.pk, Window(D(2019, 1, 1), D(2025, 3, 31)), {"cp_plans", "children"}
    )
    assert set(frames.cp_plans["child_id"].to_list()) == {world.child.pk}
    assert world.child.pk in frames.children["child_id"].to_list()
    assert frames.contacts.is_empty()  # not asked for
