"""Exporting the CIN census from masa's records: who and what belongs in the year, the year's
layout and codes, the schema check, the header's LA code, the audit record and the query count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from lxml import etree

from masa.core.models import AuditAction, AuditEvent, User
from masa.core.services import ServiceError
from masa.frontdoor.models import Referral
from masa.indicators.services import local_authority_link
from masa.journey.models import Stage
from masa.people.models import Child
from masa.protection.cin import to_cin_child
from masa.protection.models import Assessment, ConferenceKind, S47Enquiry, S47Outcome
from masa.returns.cin.export import census_children, cin_census_exported
from masa.returns.cin.xml_write import schema_errors
from masa.returns.cin.xsd import census_years, schema_years

from ...casework_factories import (
    make_assessment,
    make_case,
    make_cin_plan,
    make_conference_for,
    make_cp_plan,
    make_referral,
    make_strategy_and_s47,
)
from ...conftest import World
from ...factories import ChildFactory

D = dt.date


@dataclass
class YearChildren:
    protected: Child  # assessed, enquiry, conference, plan still open at 31 March
    nfa: Child  # a referral that went no further
    early_help: Child  # assessed, closed to early help (RC9, factor 24A, source 5D)
    carried: Child  # referred the year before, CIN plan running across 1 April
    closed_before: Child  # every episode closed before the year began
    no_ethnicity: Child


def _child(world: World, first: str, **fields: object) -> Child:
    values: dict[str, object] = {
        "partnership": world.partnership,
        "first_name": first,
        "last_name": "Census",
        "owning_team": world.la_team,
        "allocated_worker": world.users["social_worker"],
        "ethnicity": "WBRI",
        "sex": "F",
        "disabilities": ["NONE"],
    }
    values.update(fields)
    return ChildFactory(**values)


def casework_for_year(world: World, year: int) -> YearChildren:
    """Demo-like casework for the census year ending 31 March ``year``: the shapes the demo
    borough makes (and the codes it records today), dated inside that year."""
    actor: User = world.users["social_worker"]
    start = D(year - 1, 4, 1)

    def day(offset: int) -> D:
        return start + dt.timedelta(days=offset)

    # Referred by school on a Tuesday in May; assessed, enquiry, conference, plan, one review.
    protected = _child(world, f"Protected{year}", upn="", date_of_birth=D(year - 9, 3, 10))
    case = make_case(protected, stage=Stage.CP_PLAN, opened_on=day(35), actor=actor)
    make_referral(case, referral_date=day(35), actor=actor)
    assessment = make_assessment(case, started_on=day(35), actor=actor)
    Assessment.objects.filter(pk=assessment.pk).update(
        authorised_on=day(70), factors=["3B", "18C", "16A"], outcome="strategy"
    )
    enquiry = make_strategy_and_s47(case, held_on=day(42), actor=actor)
    S47Enquiry.objects.filter(pk=enquiry.pk).update(outcome=S47Outcome.ICPC, completed_on=day(60))
    make_cp_plan(case, icpc_on=day(60), actor=actor)
    make_conference_for([case], held_on=day(150), actor=actor, kind=ConferenceKind.REVIEW)
    # A review after 31 March is not part of this year's census.
    make_conference_for([case], held_on=day(380), actor=actor, kind=ConferenceKind.REVIEW)

    nfa = _child(world, f"Nfa{year}", sex="M", date_of_birth=D(year - 4, 7, 1))
    case = make_case(nfa, stage=Stage.CLOSED, opened_on=day(100), actor=actor)
    referral = make_referral(case, referral_date=day(100), actor=actor)
    Referral.objects.filter(pk=referral.pk).update(
        no_further_action=True, closure_date=day(100), closure_reason="RC7", primary_need=""
    )

    early_help = _child(world, f"EarlyHelp{year}", sex="U", disabilities=["AUT", "LD"])
    case = make_case(early_help, stage=Stage.CLOSED, opened_on=day(200), actor=actor)
    referral = make_referral(case, referral_date=day(200), actor=actor)
    Referral.objects.filter(pk=referral.pk).update(
        source="5D", closure_date=day(240), closure_reason="RC9"
    )
    assessment = make_assessment(case, started_on=day(200), actor=actor)
    Assessment.objects.filter(pk=assessment.pk).update(
        authorised_on=day(230), factors=["24A"], outcome="early_help"
    )

    carried = _child(world, f"Carried{year}", date_of_birth=D(year - 12, 1, 5))
    case = make_case(carried, stage=Stage.CIN_PLAN, opened_on=day(-60), actor=actor)
    referral = make_referral(case, referral_date=day(-60), actor=actor)
    # Closed in May after the year ends: shown open at 31 March.
    Referral.objects.filter(pk=referral.pk).update(closure_date=day(400), closure_reason="RC7")
    assessment = make_assessment(case, started_on=day(-60), actor=actor)
    Assessment.objects.filter(pk=assessment.pk).update(
        authorised_on=day(-30), factors=["4B"], outcome="cin_plan"
    )
    make_cin_plan(case, started_on=day(-25), actor=actor, ended_on=day(400))

    closed_before = _child(world, f"Before{year}")
    case = make_case(closed_before, stage=Stage.CLOSED, opened_on=day(-200), actor=actor)
    referral = make_referral(case, referral_date=day(-200), actor=actor)
    Referral.objects.filter(pk=referral.pk).update(closure_date=day(-10), closure_reason="RC7")

    no_ethnicity = _child(world, f"NoEthnicity{year}", ethnicity="", disabilities=[])
    case = make_case(no_ethnicity, stage=Stage.REFERRAL, opened_on=day(300), actor=actor)
    make_referral(case, referral_date=day(300), actor=actor)
    return YearChildren(protected, nfa, early_help, carried, closed_before, no_ethnicity)


@pytest.fixture
def linked(world: World) -> World:
    local_authority_link(world.partnership, "359", "Wigan")
    return world


def _by_id(children: list, child: Child) -> object:  # type: ignore[type-arg]
    return next(c for c in children if c.ChildIdentifiers.LAchildID == child.masa_id)


@pytest.mark.django_db
def test_the_year_holds_the_episodes_open_in_it_as_they_stood_on_31_march(linked: World) -> None:
    kids = casework_for_year(linked, 2025)
    children, notes = census_children(linked.partnership.pk, 2025)
    ids = {c.ChildIdentifiers.LAchildID for c in children}
    assert kids.closed_before.masa_id not in ids
    assert {kids.protected.masa_id, kids.nfa.masa_id, kids.carried.masa_id} <= ids

    protected = _by_id(children, kids.protected)
    episode = protected.CINdetails[0]  # type: ignore[attr-defined]
    assert episode.CINreferralDate == D(2024, 5, 6)
    assert episode.CINclosureDate is None
    # The ICPC is on the enquiry, so not repeated on the episode (rule 2884).
    assert episode.Section47[0].DateOfInitialCPC == D(2024, 5, 31)
    assert episode.DateOfInitialCPC is None
    # 15 working days from Monday 13 May 2024, with the Spring bank holiday on 27 May.
    assert episode.Section47[0].InitialCPCtarget == D(2024, 6, 4)
    plan = episode.ChildProtectionPlans[0]
    assert plan.NumberOfPreviousCPP == 0
    assert plan.Reviews == (D(2024, 8, 29),)  # the one after 31 March 2025 is next year's

    carried = _by_id(children, kids.carried).CINdetails[0]  # type: ignore[attr-defined]
    assert carried.CINclosureDate is None and carried.ReasonForClosure is None
    assert carried.CINPlanDates[0].CINPlanEndDate is None
    assert carried.Assessments == ()  # authorised before 1 April 2024: last year's census

    no_ethnicity = _by_id(children, kids.no_ethnicity)
    assert no_ethnicity.ChildCharacteristics.Ethnicity == "NOBT"  # type: ignore[attr-defined]
    assert any("written as NOBT" in n for n in notes)


@pytest.mark.django_db
def test_codes_recorded_today_are_written_as_the_years_codes(linked: World) -> None:
    kids = casework_for_year(linked, 2020)
    children, notes = census_children(linked.partnership.pk, 2020)
    protected = _by_id(children, kids.protected)
    assert protected.ChildIdentifiers.GenderCurrent == "2"  # type: ignore[attr-defined]
    assert protected.ChildIdentifiers.Sex is None  # type: ignore[attr-defined]
    factors = protected.CINdetails[0].Assessments[0].AssessmentFactors  # type: ignore[attr-defined]
    assert factors == ("3B", "18A", "16A")
    early_help = _by_id(children, kids.early_help).CINdetails[0]  # type: ignore[attr-defined]
    assert early_help.ReferralSource == "5B"
    assert early_help.ReasonForClosure == "RC8"
    assert early_help.Assessments[0].AssessmentFactors == ("20",)
    carried = _by_id(children, kids.carried).CINdetails[0]  # type: ignore[attr-defined]
    assert carried.CINPlanDates == ()
    assert "Assessment factor 18C is not a 2019-20 code: written as 18A (1 time)" in notes
    assert any(n.startswith("CIN plans are not part of the 2019-20 census") for n in notes)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2017, 2021, 2022, 2024, 2025, 2026])
def test_the_export_meets_the_years_schema_in_its_order(linked: World, year: int) -> None:
    casework_for_year(linked, year)
    export = cin_census_exported(partnership=linked.partnership, year=year, actor=None)
    assert schema_errors(export.content, year) == ()
    root = etree.fromstring(export.content)
    ids = root.find("Children/Child/ChildIdentifiers")
    assert ids is not None
    tags = [e.tag for e in ids]
    assert ("GenderCurrent" in tags) == (year <= 2024)
    assert root.findtext("Header/CollectionDetails/Year") == str(year)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{year}-03-31"
    assert root.findtext("Header/Source/LEA") == "359"


def test_every_year_with_a_schema_can_be_exported() -> None:
    assert schema_years() == tuple(range(2017, 2027))
    assert census_years()[-1] == 2027  # 2026-27 uses 2025-26's schema until the DfE publishes


@pytest.mark.django_db
def test_the_export_is_audited_with_who_which_year_and_how_many(linked: World) -> None:
    casework_for_year(linked, 2025)
    analyst = linked.users["data_analyst"]
    export = cin_census_exported(partnership=linked.partnership, year=2025, actor=analyst)
    event = AuditEvent.objects.get(object_type="cin_census_export")
    assert event.action == AuditAction.EXPORT
    assert event.actor == analyst
    assert event.object_label == "CIN census 2024 to 2025 (XML)"
    assert event.after is not None
    assert event.after["children"] == export.children == 5
    assert event.after["la_code"] == "359"
    assert export.filename == "cin-census-2024-25-359.xml"


@pytest.mark.django_db
def test_without_an_la_code_the_export_is_refused(world: World) -> None:
    casework_for_year(world, 2025)
    with pytest.raises(ServiceError, match="3-digit DfE code"):
        cin_census_exported(partnership=world.partnership, year=2025, actor=None)
    assert not AuditEvent.objects.filter(object_type="cin_census_export").exists()
    with override_settings(MASA_LA_CODE="344"):
        export = cin_census_exported(partnership=world.partnership, year=2025, actor=None)
    assert export.la_code == "344" and export.la_code_source == "the MASA_LA_CODE setting"


@pytest.mark.django_db
def test_a_year_masa_has_no_schema_for_is_refused(linked: World) -> None:
    with pytest.raises(ServiceError, match="no CIN census schema for 2014 to 2015"):
        cin_census_exported(partnership=linked.partnership, year=2015, actor=None)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_children(linked: World) -> None:
    casework_for_year(linked, 2025)
    census_children(linked.partnership.pk, 2025)  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        small, _ = census_children(linked.partnership.pk, 2025)
    for _ in range(3):
        casework_for_year_again(linked)
    with CaptureQueriesContext(connection) as many:
        large, _ = census_children(linked.partnership.pk, 2025)
    assert len(large) > len(small)
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def casework_for_year_again(world: World) -> None:
    """One more child with a referral, an assessment, an enquiry and a plan in 2024-25."""
    actor = world.users["social_worker"]
    child = _child(world, f"Extra{Child.objects.count()}")
    case = make_case(child, stage=Stage.CP_PLAN, opened_on=D(2024, 9, 2), actor=actor)
    make_referral(case, referral_date=D(2024, 9, 2), actor=actor)
    make_assessment(case, started_on=D(2024, 9, 3), actor=actor)
    make_strategy_and_s47(case, held_on=D(2024, 9, 10), actor=actor)
    make_cp_plan(case, icpc_on=D(2024, 9, 27), actor=actor)
    make_cin_plan(case, started_on=D(2025, 1, 6), actor=actor)


@pytest.mark.django_db
def test_the_set_based_export_maps_records_as_the_checks_on_save_do(linked: World) -> None:
    kids = casework_for_year(linked, 2026)
    children, _ = census_children(linked.partnership.pk, 2026)
    for child in (kids.protected, kids.nfa, kids.early_help):
        one_by_one, _ = to_cin_child(child)
        exported = _by_id(children, child)
        mine = exported.CINdetails[0]  # type: ignore[attr-defined]
        theirs = one_by_one.CINdetails[0]
        for name in ("CINreferralDate", "ReferralSource", "ReferralNFA", "CINclosureDate"):
            assert getattr(mine, name) == getattr(theirs, name), name
        assert [a.AssessmentFactors for a in mine.Assessments] == [
            a.AssessmentFactors for a in theirs.Assessments
        ]

        def enquiries(episode: object) -> list[tuple[object, ...]]:
            return [
                (s.S47ActualStartDate, s.InitialCPCtarget, s.DateOfInitialCPC)
                for s in episode.Section47  # type: ignore[attr-defined]
            ]

        assert enquiries(mine) == enquiries(theirs)
        assert [p.CPPstartDate for p in mine.ChildProtectionPlans] == [
            p.CPPstartDate for p in theirs.ChildProtectionPlans
        ]
