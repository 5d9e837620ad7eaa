"""Which rows belong in a year's return, the files' form (CSV and XML against CLA.xsd), and the
export903 / import903 commands."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from masa.care import export903
from masa.care.models import AnnualOutcomes, CareLeaverContact, Episode, ReturnIdentifier
from masa.care.returns903 import tables_for_year
from masa.core.models import AuditEvent
from masa.returns.ssda903 import validate
from masa.returns.ssda903.registry import Context
from masa.returns.ssda903.spec import spec_for
from tests.conftest import World

from .test_returns903_support import YEARS, build_records, episode, export_csv

pytestmark = pytest.mark.django_db
CLA_XSD = Path(__file__).resolve().parents[3] / "shared/data/dfe-schemas/cla_xsd/CLA.xsd"


def test_the_return_holds_the_children_and_rows_the_dfe_guidance_puts_in_it(world: World) -> None:
    kids = build_records(world.partnership, world.la_team, 2025)
    tables = tables_for_year(world.partnership.pk, 2025)
    ref = {name: child.masa_id for name, child in kids.items()} | {"ben": "LA-0042"}
    in_table = {t: [r["CHILD"] for r in tables.as_dicts(t)] for t in tables.spec.tables}
    # Eve (missing, never looked after) and Fin (left care four years ago) are not in it.
    assert sorted(in_table["Header"]) == sorted(ref[n] for n in ("ava", "ben", "cat", "dan"))
    assert in_table["Episodes"] == [ref["ava"], ref["ava"], ref["cat"], ref["cat"], ref["ben"]]
    assert in_table["OC2"] == [ref["ava"]]  # looked after all year
    assert in_table["OC3"] == [ref["dan"]]  # 19 in October 2024, left care at 18
    assert in_table["AD1"] == [ref["cat"]]  # adopted in February 2025
    assert in_table["Missing"] == [ref["ava"], ref["ben"]]
    assert in_table["UASC"] == [ref["ava"]]
    assert in_table["SWEpisodes"] == [ref["ava"]]
    episodes = tables.as_dicts("Episodes")
    assert episodes[0]["DECOM"] == "01/04/2022" and episodes[0]["DEC"] == "01/07/2024"
    assert tables.as_dicts("Header")[0]["SEX"] == "F"  # 2024/25 codes
    # The OC2 cohort is the one the DfE's rules compute.
    cla = Context(tables.to_return()).continuously_looked_after
    assert cla.filter(cla["CLA"])["CHILD"].to_list() == [ref["ava"]]


@pytest.mark.parametrize("year", YEARS)
def test_the_built_records_export_a_return_without_findings(world: World, year: int) -> None:
    build_records(world.partnership, world.la_team, year)
    data = tables_for_year(world.partnership.pk, year).to_return()
    assert [(f.child, f.code) for f in validate(data).findings] == []


def test_a_child_looked_after_all_year_has_a_blank_oc2_row_until_outcomes_are_recorded(
    world: World,
) -> None:
    episode(world.child, dt.date(2023, 2, 1))
    row = tables_for_year(world.partnership.pk, 2025).as_dicts("OC2")
    assert row == [{"CHILD": world.child.masa_id, "DOB": "01/06/2015", **dict.fromkeys(
        spec_for(2025).tables["OC2"].column_names[2:], "")}]  # fmt: skip
    AnnualOutcomes.objects.create(child=world.child, year_ending=2025, sdq_score=7)
    assert tables_for_year(world.partnership.pk, 2025).as_dicts("OC2")[0]["SDQ_SCORE"] == "7"


def test_a_care_leaver_is_found_from_their_history_and_contact_fills_the_row(
    world: World,
) -> None:
    leaver = world.child
    leaver.date_of_birth = dt.date(2005, 9, 1)  # 19 on 1 September 2024
    leaver.save()
    episode(leaver, dt.date(2021, 1, 4), ended_on=dt.date(2023, 9, 1), reason_ceased="E17")
    adopted = world.la_only_child
    adopted.date_of_birth = dt.date(2005, 9, 1)
    adopted.save()
    episode(adopted, dt.date(2021, 1, 4), ended_on=dt.date(2022, 9, 1), reason_ceased="E11")
    tables = tables_for_year(world.partnership.pk, 2025)
    assert tables.as_dicts("OC3") == [
        {"CHILD": leaver.masa_id, "DOB": "01/09/2005", "IN_TOUCH": "", "ACTIV": "", "ACCOM": ""}
    ]
    CareLeaverContact.objects.create(
        child=leaver, year_ending=2025, in_touch="YES", activity="G4", accommodation="B2"
    )
    tables = tables_for_year(world.partnership.pk, 2025)
    assert tables.as_dicts("OC3")[0]["ACCOM"] == "B2"
    assert tables.as_dicts("Episodes") == []  # care ended before the year


def test_a_cell_needing_quotes_is_quoted_and_files_use_crlf(world: World, tmp_path: Path) -> None:
    build_records(world.partnership, world.la_team, 2025)
    files = export_csv(world.partnership, 2025, tmp_path)
    lines = files["episodes.csv"].split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert b'LA-0042,10/06/2024,S,V2,N1,U3,PR1,01/12/2024,E4A,,NB1 2AB,"NB1,2AB",' in lines
    assert files["header.csv"].startswith(b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n")


@pytest.mark.skipif(not CLA_XSD.exists(), reason="the DfE's CLA.xsd is not present")
@pytest.mark.parametrize("year", [2018, 2023, 2024, 2026])
def test_the_xml_is_valid_against_cla_xsd_and_sw_episodes_follow_the_years_fields(
    world: World, year: int
) -> None:
    from lxml import etree

    build_records(world.partnership, world.la_team, year)
    document = etree.fromstring(export903.xml_bytes(tables_for_year(world.partnership.pk, year)))
    spells = document.findall(".//SW_EPISODE")
    assert len(spells) == (1 if year >= 2024 else 0)
    for spell in spells:
        # CLA.xsd has no social worker episodes: checked against the year's own fields.
        names = [item.tag for item in spell]
        assert names == list(spec_for(year).tables["SWEpisodes"].column_names[2:])
        assert dt.datetime.strptime(spell.findtext("SW_DECOM") or "", "%d/%m/%Y")
        spell.getparent().remove(spell)
    schema = etree.XMLSchema(etree.parse(str(CLA_XSD)))
    assert schema.validate(document), schema.error_log


def test_export903_writes_the_csv_files_or_the_xml_and_audits(world: World, tmp_path: Path) -> None:
    build_records(world.partnership, world.la_team, 2025)
    out = StringIO()
    call_command(
        "export903", year="2024/25", partnership=world.partnership.slug, out=str(tmp_path),
        stdout=out,
    )  # fmt: skip
    assert "SSDA903 2024/25: 4 children" in out.getvalue()
    assert (tmp_path / "episodes.csv").read_bytes().count(b"\r\n") == 6
    call_command(
        "export903", year="2024/25", partnership=world.partnership.slug, out=str(tmp_path),
        xml=True, stdout=StringIO(),
    )  # fmt: skip
    assert (tmp_path / "ssda903-2024-25.xml").read_bytes().count(b"<CHILD>") == 4
    assert AuditEvent.objects.filter(object_type="ssda903_export").count() == 2


def test_import903_previews_unless_confirmed(world: World, tmp_path: Path) -> None:
    build_records(world.partnership, world.la_team, 2025)
    export_csv(world.partnership, 2025, tmp_path / "return")
    from tests.factories import AgencyFactory, PartnershipFactory, TeamFactory

    other = PartnershipFactory(slug="elsewhere", name="Elsewhere")
    TeamFactory(agency=AgencyFactory(partnership=other), name="Children in Care")
    args = [str(tmp_path / "return")]
    options = {"year": "2024/25", "partnership": "elsewhere", "team": "Children in Care"}
    out = StringIO()
    call_command("import903", *args, **options, stdout=out)
    assert "4 children to create, 0 to update, 0 unchanged, 0 refused" in out.getvalue()
    assert "Preview only: nothing was written" in out.getvalue()
    assert not Episode.objects.filter(child__partnership=other).exists()
    out = StringIO()
    call_command("import903", *args, **options, confirm=True, stdout=out)
    assert "Imported: 4 children created, 0 updated" in out.getvalue()
    assert ReturnIdentifier.objects.filter(partnership=other).count() == 4
    event = AuditEvent.objects.get(object_type="ssda903_import")
    assert event.actor_label == "manage.py import903"


def test_import903_exits_non_zero_when_a_file_cannot_be_read(world: World, tmp_path: Path) -> None:
    (tmp_path / "broken.csv").write_bytes("CHILD,SEX\r\n".encode("utf-16"))
    with pytest.raises(SystemExit) as exit_status:
        call_command(
            "import903", str(tmp_path / "broken.csv"), year="2024/25",
            partnership=world.partnership.slug, team=world.la_team.name, stderr=StringIO(),
            stdout=StringIO(),
        )  # fmt: skip
    assert exit_status.value.code == 1


def test_the_export_is_set_based_whatever_the_number_of_children(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masa.core.models import Team

    build_records(world.partnership, world.la_team, 2025)
    with CaptureQueriesContext(connection) as few:
        assert len(tables_for_year(world.partnership.pk, 2025).children) == 4
    team = Team.objects.create(agency=world.la_team.agency, name="Second team")
    for copy in (1, 2, 3):
        build_records(world.partnership, team, 2025, copy=copy)
    with CaptureQueriesContext(connection) as many:
        assert len(tables_for_year(world.partnership.pk, 2025).children) == 16
    assert len(many.captured_queries) == len(few.captured_queries) <= 15


def test_previous_permanence_is_returned_only_in_the_year_care_started(world: World) -> None:
    """DfE rule 634: previous permanence belongs to the return of the year the child started to
    be looked after, not to every later year they are in care."""
    from masa.care.models import PreviousPermanence
    from tests.factories import ChildFactory

    child = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, date_of_birth=dt.date(2015, 3, 1)
    )
    episode(child, dt.date(2024, 9, 2))
    PreviousPermanence.objects.create(child=child, kind="P1", la="359", made_on=dt.date(2019, 5, 1))

    started = tables_for_year(world.partnership.pk, 2025)  # 2024/25: care started in the year
    later = tables_for_year(world.partnership.pk, 2026)  # 2025/26: still in care

    assert [r["PREV_PERM"] for r in started.as_dicts("PrevPerm")] == ["P1"]
    assert later.as_dicts("PrevPerm") == []
