"""Ofsted's Annex A workbook: a sheet per list with Ofsted's headings, known cells worked out
from records, dates as dates, formula-safe text, the cover sheet and the audit record."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from masa.care.models import (
    AdoptionDecision,
    CareLeaverContact,
    CareProfile,
    CareReview,
    Episode,
    MissingEpisode,
)
from masa.core.models import AuditAction, AuditEvent, Team
from masa.frontdoor.models import Referral
from masa.journey.models import Stage
from masa.people.models import Child
from masa.protection.models import S47Enquiry, S47Outcome, Visit
from masa.returns.annex_a import (
    ELIGIBLE,
    FORMER_RELEVANT,
    LISTS,
    QUALIFYING,
    RELEVANT,
    CareEpisode,
    annex_a_exported,
    care_leaver_category,
    period_before,
)

from ..casework_factories import (
    at_noon,
    make_case,
    make_contact,
    make_cp_plan,
    make_referral,
    make_strategy_and_s47,
)
from ..conftest import World
from ..factories import ChildFactory

D = dt.date
INSPECTION = D(2026, 11, 23)


def sheet_rows(sheet: Worksheet) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    return [dict(zip(headings, row, strict=True)) for row in rows[1:]]


def workbook(world: World, period: str = "ofsted") -> Any:
    export = annex_a_exported(
        partnership=world.partnership,
        inspection=INSPECTION,
        period=period,
        actor=world.users["data_analyst"],
    )
    return load_workbook(io.BytesIO(export.content))


def test_a_period_is_the_months_up_to_the_inspection_date() -> None:
    six = period_before(INSPECTION, 6)
    assert (six.start, six.end) == (D(2026, 5, 24), D(2026, 11, 23))
    assert period_before(D(2026, 8, 31), 6).start == D(2026, 3, 1)  # 28 February + 1 day


@pytest.mark.django_db
def test_the_workbook_has_a_cover_and_a_sheet_per_list_with_ofsteds_headings(
    world: World,
) -> None:
    book = workbook(world)
    assert book.sheetnames == ["Cover", *(f"List {n}" for n in range(1, 12))]
    assert [c.value for c in book["List 1"][1]] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    cover = {row[0]: row for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["Inspection date"][1] == dt.datetime(2026, 11, 23)
    assert cover["List 1"][2] == dt.datetime(2026, 5, 24)  # six months for the front door
    assert cover["List 8"][2] == dt.datetime(2025, 11, 24)  # twelve for children in care
    assert cover["List 11"][6].startswith("Not filled: masa holds no records of prospective")
    assert "'Placement Location' left blank" in cover["List 8"][6]
    twelve = workbook(world, "12")
    cover = {row[0]: row for row in twelve["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["List 1"][2] == dt.datetime(2025, 11, 24)


@pytest.mark.django_db
def test_contacts_in_the_period_with_ofsteds_codes_and_dates_as_dates(world: World) -> None:
    actor = world.users["social_worker"]
    child = world.child  # born 1 June 2015, female by the factory's default? set it
    Child.objects.filter(pk=child.pk).update(sex="F", ethnicity="BAFR")
    case = make_case(child, stage=Stage.CONTACT, opened_on=D(2026, 9, 1), actor=actor)
    make_contact(case, received_on=D(2026, 9, 1), actor=actor)  # source 2A schools
    make_contact(case, received_on=D(2026, 5, 23), actor=actor)  # the day before the period
    book = workbook(world)
    rows = sheet_rows(book["List 1"])
    assert rows == [
        {
            "Child Unique ID": child.masa_id,
            "Gender": "b) Female",
            "Ethnicity": "o) BAFR",
            "Date of Birth": dt.datetime(2015, 6, 1),
            "Age of Child (Years)": 11,
            "Date of Contact": dt.datetime(2026, 9, 1),
            "Contact Source": "e) 2A: Schools",
        }
    ]
    assert book["List 1"]["F2"].number_format == "DD/MM/YYYY"
    event = AuditEvent.objects.get(
        object_type="annex_a_export", object_label__contains="23 November"
    )
    assert event.action == AuditAction.EXPORT
    assert event.actor == world.users["data_analyst"]
    assert event.after is not None and event.after["rows"]["List 1"] == 1


@pytest.mark.django_db
def test_referrals_enquiries_and_plans_with_their_counts(world: World) -> None:
    actor = world.users["social_worker"]
    child = world.child
    Team.objects.filter(pk=world.la_team.pk).update(name="=Assessment Team")
    # An earlier referral in the last 12 months (closed), then the current one.
    old = make_case(child, stage=Stage.CLOSED, opened_on=D(2026, 1, 5), actor=actor)
    first = make_referral(old, referral_date=D(2026, 1, 5), actor=actor)
    Referral.objects.filter(pk=first.pk).update(closure_date=D(2026, 2, 1), closure_reason="RC7")
    case = make_case(child, stage=Stage.CP_PLAN, opened_on=D(2026, 6, 1), actor=actor)
    make_referral(case, referral_date=D(2026, 6, 1), actor=actor)
    enquiry = make_strategy_and_s47(case, held_on=D(2026, 6, 3), actor=actor)
    S47Enquiry.objects.filter(pk=enquiry.pk).update(outcome=S47Outcome.ICPC)
    make_cp_plan(case, icpc_on=D(2026, 6, 24), actor=actor)
    Visit.objects.create(
        case=case, child=child, visited_on=D(2026, 7, 6), child_seen=True, seen_alone=True,
        visited_by=actor,
    )  # fmt: skip
    Episode.objects.create(
        child=child, started_on=D(2026, 6, 2), ended_on=D(2026, 6, 4), reason_new_episode="S",
        legal_status="L1", category_of_need="N1", placement_type="U6", reason_ceased="E4A",
    )  # fmt: skip
    book = workbook(world)

    (referral,) = [r for r in sheet_rows(book["List 3"]) if r["Date of referral"].month == 6]
    assert referral["Referral Source"] == "e) 2A: Schools"
    assert referral["Referral NFA?"] == "b) No"
    assert referral["Number of Referrals in Last 12 Months"] == 2
    assert referral["Allocated Team"] == "'=Assessment Team"  # formula-safe
    assert referral["Allocated Worker"] == world.users["social_worker"].display_name

    (s47,) = sheet_rows(book["List 5"])
    assert s47["Strategy discussion initiating Section 47 Enquiry Start Date"] == dt.datetime(
        2026, 6, 3
    )
    assert s47["Was an Initial Child Protection Conference deemed unnecessary?"] == "b) No"
    assert s47["Date of Initial Child Protection Conference"] == dt.datetime(2026, 6, 24)
    assert s47["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == (
        "a) Yes"
    )
    assert s47["Number of ICPCs in the last 12 months"] == 1

    (plan,) = sheet_rows(book["List 7"])
    assert plan["Initial Category of Abuse"] == "a) Neglect"
    assert plan["Date of the Last Statutory Visit"] == dt.datetime(2026, 7, 6)
    assert plan["Was the Child Seen Alone?"] == "a) Yes"
    key = next(k for k in plan if k.startswith("Subject to Emergency Protection Order"))
    assert plan[key] == "a) Yes"  # police protection (L1) in June
    assert plan["Number of Previous Child Protection Plans"] == 0

    cin = [r for r in sheet_rows(book["List 6"]) if r["CIN Start Date"].month == 6]
    assert cin[0]["Case Status"] == "b) Child Protection plan"
    assert cin[0]["Primary Need Code"] == "N1 - Abuse or neglect"


@pytest.mark.django_db
def test_children_in_care_from_their_episodes(world: World) -> None:
    child = world.la_only_child  # born 1 June 2015
    CareProfile.objects.create(child=child, uasc=False)
    for started, ended, rne, legal, place, reason in (
        (D(2025, 9, 1), D(2026, 2, 10), "S", "V2", "U6", "X1"),
        (D(2026, 2, 10), D(2026, 6, 15), "L", "C2", "U6", "X1"),
        (D(2026, 6, 15), None, "P", "C2", "K2", ""),
    ):
        Episode.objects.create(
            child=child, started_on=started, ended_on=ended, reason_new_episode=rne,
            legal_status=legal, category_of_need="N1", placement_type=place,
            placement_provider="PR1", reason_ceased=reason, placement_postcode="NB1 2AB",
        )  # fmt: skip
    CareReview.objects.create(child=child, held_on=D(2026, 10, 1), participation="PN1")
    for day, kind in ((D(2026, 3, 1), "M"), (D(2026, 8, 1), "M"), (D(2026, 9, 1), "A")):
        MissingEpisode.objects.create(
            child=child, kind=kind, started_at=at_noon(day), rhi_offered_at=at_noon(day),
            rhi_accepted=False,
        )  # fmt: skip
    (row,) = sheet_rows(workbook(world)["List 8"])
    assert row["Date Started to be Looked After"] == dt.datetime(2025, 9, 1)
    assert row["Start date of current legal status"] == dt.datetime(2026, 2, 10)
    assert row["Child's Legal Status"] == "C2: FCO"
    assert row["Start Date of Most Recent Placement"] == dt.datetime(2026, 6, 15)
    assert row["Placement Type"] == "p) K2: Children's Homes"
    assert row["Number of Placements in the Last 12 months"] == 2
    assert row["Date of Latest Statutory Review"] == dt.datetime(2026, 10, 1)

    def column(start: str) -> object:
        return next(value for key, value in row.items() if key.startswith(start))

    assert column("Is this a second or subsequent period") == "b) No"
    assert column("Number of Episodes the Child has been 'Missing'") == 2
    assert column("Number of Episodes the Child has been 'Absent'") == 1
    assert column("Was the child offered a Return Interview") == "a) Yes"
    assert column("Did the child accept a Return Interview") == "b) No"
    assert row["Placement Location"] is None  # not held, said on the cover


def _episode(start: D, end: D | None, rne: str = "S", reason: str = "") -> CareEpisode:
    return CareEpisode(start, end, rne, "C2", "N1", "U6", "PR1", "", "", reason)


@pytest.mark.parametrize(
    ("born", "episodes", "category"),
    [
        # 17, in care since 15: eligible.
        (D(2009, 1, 1), [_episode(D(2024, 1, 1), None)], ELIGIBLE),
        # 17, left care at 16 after two years: relevant.
        (D(2009, 1, 1), [_episode(D(2023, 1, 1), D(2025, 6, 1), reason="E8")], RELEVANT),
        # 19, looked after from 15 to 18: former relevant.
        (D(2007, 1, 1), [_episode(D(2022, 1, 1), D(2025, 1, 1), reason="E17")], FORMER_RELEVANT),
        # 19, four weeks in care at 17: qualifying.
        (D(2007, 1, 1), [_episode(D(2024, 2, 1), D(2024, 3, 1), reason="E4A")], QUALIFYING),
        # 17, 90 days in care at 16: one day short of 13 weeks, so qualifying once out.
        (D(2009, 1, 1), [_episode(D(2025, 2, 1), D(2025, 5, 1), reason="E4A")], QUALIFYING),
        # 17, 91 days: relevant.
        (D(2009, 1, 1), [_episode(D(2025, 2, 1), D(2025, 5, 2), reason="E4A")], RELEVANT),
        # 15: not yet a care leaver.
        (D(2011, 1, 1), [_episode(D(2024, 1, 1), None)], None),
        # 25 on the inspection date: no longer.
        (D(2001, 11, 23), [_episode(D(2016, 1, 1), D(2019, 11, 23), reason="E17")], None),
    ],
)
def test_care_leaver_categories(born: D, episodes: list[CareEpisode], category: str | None) -> None:
    assert care_leaver_category(born, episodes, INSPECTION) == category


@pytest.mark.django_db
def test_care_leavers_and_adoption_lists(world: World) -> None:
    leaver = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, date_of_birth=D(2007, 1, 1)
    )
    Episode.objects.create(
        child=leaver, started_on=D(2022, 1, 1), ended_on=D(2025, 1, 1), reason_new_episode="S",
        legal_status="C2", category_of_need="N1", placement_type="U6", reason_ceased="E17",
    )  # fmt: skip
    CareLeaverContact.objects.create(
        child=leaver, year_ending=2026, in_touch="YES", activity="F2", accommodation="D1",
        contacted_on=D(2026, 1, 10),
    )  # fmt: skip
    adopted = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, date_of_birth=D(2023, 3, 1)
    )
    for started, ended, rne, legal, place, reason in (
        (D(2024, 1, 8), D(2025, 2, 3), "S", "C2", "U5", "X1"),
        (D(2025, 2, 3), D(2025, 6, 2), "L", "E1", "U5", "X1"),
        (D(2025, 6, 2), D(2026, 3, 2), "P", "E1", "A5", "E11"),
    ):
        Episode.objects.create(
            child=adopted, started_on=started, ended_on=ended, reason_new_episode=rne,
            legal_status=legal, category_of_need="N1", placement_type=place,
            reason_ceased=reason,
        )  # fmt: skip
    AdoptionDecision.objects.create(child=adopted, decided_on=D(2024, 11, 4))
    book = workbook(world)
    (row,) = sheet_rows(book["List 9"])
    assert row["Eligibility Category"] == FORMER_RELEVANT
    assert row["LA in Touch"] == "a) Yes"
    assert row["Type of Accommodation"].startswith("D: Semi-independent")
    assert row["Suitability of Accommodation"] == "a) Suitable"
    assert row["Activity Status"] == "F2: Full time in education other than higher"
    (row,) = sheet_rows(book["List 10"])
    assert row["Date the Child Entered Care"] == dt.datetime(2024, 1, 8)
    assert row["Date of Placement Order"] == dt.datetime(2025, 2, 3)
    assert row["Date Placed for Adoption"] == dt.datetime(2025, 6, 2)
    assert row["Date of Adoption Order"] == dt.datetime(2026, 3, 2)
    key = "Date the child was placed for fostering in FFA or concurrent planning placement"
    assert row[key] == dt.datetime(2024, 1, 8)


def test_every_list_has_a_title_a_definition_and_a_sheet_name() -> None:
    assert [a.number for a in LISTS] == list(range(1, 12))
    for annex in LISTS:
        assert annex.who and annex.title
        assert (annex.build is None) == bool(annex.not_filled)
        assert len(annex.headings) == len(set(annex.headings))
