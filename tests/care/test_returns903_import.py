"""Importing a 903 return: the preview, matching children by 903 CHILD and UPN, refusals, one
transaction, one audit record, and importing twice changing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from masa.care import import903
from masa.care.import903 import import_return, prepare
from masa.care.models import CareProfile, CareReview, Episode, ReturnIdentifier
from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.people.models import Child
from masa.returns.cin.years import CollectionYear
from tests.conftest import World
from tests.factories import ChildFactory

from .test_returns903_support import upn, write_csv

YEAR = CollectionYear(2025)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE"


def write_return(folder: Path, header: list[str], episodes: list[str], reviews=()) -> Path:  # type: ignore[no-untyped-def]
    write_csv(folder, "a.csv", [HEADER, *header])
    write_csv(folder, "b.csv", [EPISODES, *episodes])
    write_csv(folder, "c.csv", [REVIEWS, *reviews])
    return folder


def two_children(folder: Path) -> Path:
    """P100 (a girl in care since May 2024, reviewed in June) and P200 (a boy placed in
    January 2025)."""
    return write_return(
        folder,
        [f"P100,F,02/03/2014,WBRI,{upn(100)},0,", f"P200,M,15/08/2016,WIRI,{upn(200)},,"],
        [
            "P100,01/05/2024,S,C2,N1,U4,PR1,,,,NB1 2AB,NB2 3CD,",
            "P200,10/01/2025,S,V2,N4,U6,PR1,,,,NB1 2AB,NB2 3CD,",
        ],
        ["P100,02/03/2014,05/06/2024,PN1"],
    )


def preview(world: World, folder: Path) -> dict:  # type: ignore[type-arg]
    prepared = prepare([folder], YEAR, world.partnership)
    assert prepared.errors == []
    return prepared.plan.summary()


def run(world: World, folder: Path, **kwargs):  # type: ignore[no-untyped-def]
    return import_return(
        [folder],
        YEAR,
        partnership=world.partnership,
        team=world.la_team,
        actor=world.users["data_analyst"],
        **kwargs,
    )


def test_the_preview_lists_children_to_create_and_saves_nothing(
    world: World, tmp_path: Path
) -> None:
    before = Child.objects.count()
    summary = preview(world, two_children(tmp_path))
    assert [c["ref"] for c in summary["create"]] == ["P100", "P200"]
    assert summary["create"][0]["rows"] == {"Header": [1, 0], "Episodes": [1, 0], "Reviews": [1, 0]}
    assert summary["tables"]["Episodes"] == {"created": 2, "updated": 0}
    assert (summary["update"], summary["refused"]) == ([], [])
    assert Child.objects.count() == before
    assert not Episode.objects.exists()


def test_confirming_creates_the_children_owned_by_the_chosen_team(
    world: World, tmp_path: Path
) -> None:
    run(world, two_children(tmp_path))
    girl = ReturnIdentifier.objects.get(value="P100").child
    assert (girl.first_name, girl.last_name, girl.sex, girl.upn) == ("Child", "P100", "F", upn(100))
    assert girl.date_of_birth == dt.date(2014, 3, 2)
    assert girl.owning_team == world.la_team
    assert CareProfile.objects.get(child=girl).is_mother is False
    episode = Episode.objects.get(child=girl)
    assert (episode.started_on, episode.legal_status, episode.placement_type) == (
        dt.date(2024, 5, 1),
        "C2",
        "U4",
    )
    assert CareReview.objects.get(child=girl).participation == "PN1"
    # A social worker of the team now finds the child among the team's children.
    assert girl.involvements.get().started_on == dt.date(2024, 5, 1)


def test_one_audit_record_lists_what_the_import_changed(world: World, tmp_path: Path) -> None:
    before = AuditEvent.objects.count()
    result = run(world, two_children(tmp_path))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event == result.event
    assert event.object_type == "ssda903_import"
    assert event.actor == world.users["data_analyst"]
    created = sorted(ReturnIdentifier.objects.values_list("child_id", flat=True))
    assert event.after["children_created"] == created
    assert event.after["tables"]["Episodes"] == {"created": 2, "updated": 0}
    assert event.after["year"] == "2024/25"
    assert event.reason == "2 children created, 0 updated, 0 refused"


def test_importing_the_same_files_twice_changes_nothing_the_second_time(
    world: World, tmp_path: Path
) -> None:
    folder = two_children(tmp_path)
    run(world, folder)
    versions = list(Episode.objects.order_by("pk").values_list("pk", "version"))
    children = Child.objects.count()
    second = run(world, folder)
    assert second.summary["unchanged"] == ["P100", "P200"]
    assert second.summary["create"] == second.summary["update"] == []
    assert second.summary["tables"] == {}
    assert Child.objects.count() == children
    assert list(Episode.objects.order_by("pk").values_list("pk", "version")) == versions
    assert CareReview.objects.count() == 1


def test_a_changed_episode_is_an_update_of_the_matched_child(world: World, tmp_path: Path) -> None:
    run(world, two_children(tmp_path / "first"))
    girl = ReturnIdentifier.objects.get(value="P100").child
    ended = write_return(
        tmp_path / "second",
        [f"P100,F,02/03/2014,WBRI,{upn(100)},0,"],
        ["P100,01/05/2024,S,C2,N1,U4,PR1,20/02/2025,E4A,,NB1 2AB,NB2 3CD,"],
        ["P100,02/03/2014,05/06/2024,PN1", "P100,02/03/2014,05/12/2024,PN2"],
    )
    summary = run(world, ended).summary
    [update] = summary["update"]
    assert (update["ref"], update["child_id"], update["matched_by"]) == (
        "P100",
        girl.pk,
        "903 CHILD",
    )
    assert update["rows"] == {"Episodes": [0, 1], "Reviews": [1, 0]}
    episode = Episode.objects.get(child=girl)
    assert (episode.ended_on, episode.reason_ceased, episode.version) == (
        dt.date(2025, 2, 20),
        "E4A",
        2,
    )
    assert CareReview.objects.filter(child=girl).count() == 2


def test_a_child_recorded_in_masa_is_matched_by_its_masa_id_or_its_upn(
    world: World, tmp_path: Path
) -> None:
    kira = world.child
    kira.upn, kira.date_of_birth = upn(7), dt.date(2015, 6, 1)
    kira.save()
    jay = world.la_only_child
    jay.upn = upn(8)
    jay.save()
    folder = write_return(
        tmp_path,
        [f"{kira.masa_id},F,01/06/2015,WBRI,{upn(7)},0,", f"OLD-9,M,01/06/2015,WBRI,{upn(8)},,"],
        [
            f"{kira.masa_id},01/05/2024,S,C2,N1,U4,PR1,,,,,,",
            "OLD-9,01/05/2024,S,C2,N1,U4,PR1,,,,,,",
        ],
    )
    summary = run(world, folder).summary
    assert {(u["ref"], u["matched_by"], u["child_id"]) for u in summary["update"]} == {
        (kira.masa_id, "masa ID", kira.pk),
        ("OLD-9", "UPN", jay.pk),
    }
    # Matched by UPN, Jay now carries the old system's CHILD for later returns.
    assert ReturnIdentifier.objects.get(child=jay).value == "OLD-9"
    assert not ReturnIdentifier.objects.filter(child=kira).exists()
    assert "sex" in next(u for u in summary["update"] if u["ref"] == kira.masa_id)["fields"]


def test_ambiguous_matches_are_refused_with_the_reason(world: World, tmp_path: Path) -> None:
    run(world, two_children(tmp_path / "first"))
    twin_a = ChildFactory(partnership=world.partnership, owning_team=world.la_team, upn=upn(300))
    twin_b = ChildFactory(partnership=world.partnership, owning_team=world.la_team, upn=upn(300))
    other = ChildFactory(partnership=world.partnership, owning_team=world.la_team, upn=upn(400))
    folder = write_return(
        tmp_path / "second",
        [
            f"P100,F,02/03/2014,WBRI,{upn(400)},0,",  # CHILD is one child, UPN another's
            f"P300,M,01/01/2015,WBRI,{upn(300)},,",  # two masa children hold the UPN
            f"P200,M,15/08/2016,WIRI,{upn(999)},,",  # masa holds another UPN for P200
        ],
        [
            "P100,01/05/2024,S,C2,N1,U4,PR1,,,,,,",
            "P300,01/05/2024,S,C2,N1,U4,PR1,,,,,,",
            "P200,10/01/2025,S,V2,N4,U6,PR1,,,,,,",
        ],
    )
    summary = preview(world, folder)
    reasons = {r["ref"]: r["reasons"] for r in summary["refused"]}
    girl = ReturnIdentifier.objects.get(value="P100").child
    assert reasons["P100"] == [
        f"CHILD P100 matches {girl.masa_id} but its UPN {upn(400)} matches {other.masa_id}"
    ]
    assert reasons["P300"] == [
        f"UPN {upn(300)} is held by 2 masa children ({twin_a.masa_id}, {twin_b.masa_id})"
    ]
    boy = ReturnIdentifier.objects.get(value="P200").child
    assert reasons["P200"] == [
        f"CHILD P200 matches {boy.masa_id}, whose UPN is {upn(200)}, not {upn(999)}"
    ]
    assert summary["create"] == summary["update"] == []
    run(world, folder)
    assert not Episode.objects.filter(child__in=[twin_a, twin_b, other]).exists()


def test_values_masa_cannot_store_as_given_refuse_the_child_only(
    world: World, tmp_path: Path
) -> None:
    folder = write_return(
        tmp_path,
        [
            "P1,F,02/03/2014,=1+1,,0,",  # would start a formula
            "P2,M,31/02/2015,WBRI,,,",  # not a date
            "P3,M,01/01/2015,WBRI,,,",
        ],
        [
            "P1,01/05/2024,S,C2,N1,U4,PR1,,,,,,",
            "P2,01/05/2024,S,C2,N1,U4,PR1,,,,,,",
            "P3,01/05/2024,S,C2,N1,U444,PR1,,,,,,",  # longer than masa holds
            "P3,01/05/2024,S,C2,N1,U4,PR1,,,,,,",  # and a second episode the same day
        ],
    )
    prepared = prepare([folder], YEAR, world.partnership)
    assert "MASA-FORMULA" in {f.code for f in prepared.findings}
    reasons = {r["ref"]: r["reasons"] for r in prepared.plan.summary()["refused"]}
    assert reasons["P1"][0] == "Header row 1, ETHNIC: '=1+1' would start a spreadsheet formula"
    assert reasons["P2"] == ["Header row 2, DOB: '31/02/2015' is not a date in the form dd/mm/YYYY"]
    assert reasons["P3"] == [
        "Episodes row 3, PLACE: 'U444' is longer than the 3 characters masa holds",
        "two episodes start on the same day; masa records one a day",
    ]
    before = Child.objects.count()
    run(world, folder)
    assert Child.objects.count() == before


def test_a_failure_while_writing_leaves_the_database_as_it_was(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children, events = Child.objects.count(), AuditEvent.objects.count()
    insert = import903._insert

    def broken(model, rows):  # type: ignore[no-untyped-def]
        if model is CareReview:  # after the children, identifiers and episodes
            raise RuntimeError("disk full")
        insert(model, rows)

    monkeypatch.setattr(import903, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(world, two_children(tmp_path))
    assert Child.objects.count() == children
    assert not Episode.objects.exists()
    assert not ReturnIdentifier.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_blank_upn_in_the_file_never_erases_masas(world: World, tmp_path: Path) -> None:
    run(world, two_children(tmp_path / "first"))
    folder = write_return(
        tmp_path / "second",
        ["P100,F,02/03/2014,,,0,"],
        ["P100,01/05/2024,S,C2,N1,U4,PR1,,,,NB1 2AB,NB2 3CD,"],
    )
    assert preview(world, folder)["unchanged"] == ["P100"]
    run(world, folder)
    girl = ReturnIdentifier.objects.get(value="P100").child
    assert (girl.upn, girl.ethnicity) == (upn(100), "WBRI")


def test_sex_is_read_by_the_years_codes(world: World, tmp_path: Path) -> None:
    write_csv(tmp_path, "h.csv", [HEADER, "Q1,2,02/03/2010,WBRI,,0,", "Q2,M,02/03/2010,WBRI,,,"])
    write_csv(tmp_path, "e.csv", [EPISODES, "Q1,01/05/2023,S,C2,N1,U4,PR1,,,,,,"])
    prepared = prepare([tmp_path], CollectionYear(2024), world.partnership)
    summary = prepared.plan.summary()
    assert [c["ref"] for c in summary["create"]] == ["Q1"]
    [refused] = summary["refused"]
    assert refused["reasons"][0] == "Header row 2, SEX: 'M' is not a 2023/24 code masa can record"
    assert prepared.plan.new_children["Q1"]["sex"] == "F"  # 2 is female until 2023/24


def test_a_preview_that_no_longer_holds_is_refused(world: World, tmp_path: Path) -> None:
    folder = two_children(tmp_path)
    digest = preview(world, folder)["digest"]
    run(world, folder)  # someone else imported it meanwhile
    with pytest.raises(ServiceError, match="changed since you previewed"):
        run(world, folder, expected_digest=digest)


def test_a_team_of_another_partnership_cannot_own_the_children(
    world: World, tmp_path: Path
) -> None:
    from tests.factories import AgencyFactory, PartnershipFactory, TeamFactory

    elsewhere = TeamFactory(agency=AgencyFactory(partnership=PartnershipFactory(slug="other")))
    with pytest.raises(ServiceError, match="Choose a team of this partnership"):
        import_return(
            [two_children(tmp_path)],
            YEAR,
            partnership=world.partnership,
            team=elsewhere,
            actor=None,
        )


def test_the_import_is_set_based_whatever_the_number_of_children(
    world: World, tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def children(first: int, count: int) -> list[str]:
        return [f"S{n},M,01/01/2015,WBRI,{upn(n)},," for n in range(first, first + count)]

    def episodes(first: int, count: int) -> list[str]:
        return [f"S{n},01/05/2024,S,C2,N1,U4,PR1,,,,,," for n in range(first, first + count)]

    few = write_return(tmp_path / "few", children(1, 2), episodes(1, 2))
    many = write_return(tmp_path / "many", children(10, 40), episodes(10, 40))
    with CaptureQueriesContext(connection) as a:
        run(world, few)
    with CaptureQueriesContext(connection) as b:
        assert len(run(world, many).summary["create"]) == 40
    assert len(b.captured_queries) == len(a.captured_queries)


@pytest.mark.django_db
def test_an_earlier_years_return_never_clears_an_ending_masa_holds(
    world: World, tmp_path: Path
) -> None:
    """The 2024/25 return shows an episode that ended in May 2025 as open at 31 March 2025:
    importing that return back changes nothing, so nothing recorded since is lost."""
    from .factories import make_episode
    from .test_returns903_support import export_csv

    child = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, upn=upn(7),
        date_of_birth=dt.date(2012, 5, 1), sex="M", ethnicity="WBRI",
    )  # fmt: skip
    episode = make_episode(
        child, started_on=dt.date(2024, 6, 3), ended_on=dt.date(2025, 5, 12), reason_ceased="E13"
    )
    files = export_csv(world.partnership, 2025, tmp_path / "return")
    assert b",E13," not in files["episodes.csv"]  # open at the year end in the return

    run(world, tmp_path / "return")

    episode.refresh_from_db()
    assert (episode.ended_on, episode.reason_ceased) == (dt.date(2025, 5, 12), "E13")
    assert Episode.objects.filter(child=child).count() == 1
