"""manage.py export_cin and validate_cin: a file out, a report back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masa.core.models import AuditEvent
from masa.indicators.services import local_authority_link
from masa.returns.cin.xml_write import CensusHeader, census_xml

from ...conftest import World
from .builders import CHILD, assessment
from .test_xml_export import casework_for_year


@pytest.mark.django_db
def test_export_cin_writes_the_years_file_and_validate_cin_reads_it_back(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local_authority_link(world.partnership, "359", "Wigan")
    casework_for_year(world, 2025)
    out = tmp_path / "cin.xml"
    call_command("export_cin", year="2024/25", partnership=world.partnership.slug, out=str(out))
    printed = capsys.readouterr().out
    assert "CIN census 2024 to 2025: 5 children, 5 episodes; LA 359" in printed
    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert AuditEvent.objects.get(object_type="cin_census_export").actor_label == (
        "manage.py export_cin"
    )
    report = tmp_path / "report.csv"
    call_command("validate_cin", str(out), out=str(report))
    assert "0 schema errors" in capsys.readouterr().out
    assert report.read_text(encoding="utf-8").startswith("child,table,element,rule")


def test_validate_cin_reports_each_finding(tmp_path: Path) -> None:
    data = census_xml(
        [assessment(CHILD, AssessmentFactors=("21", "3A"))],
        2026,
        CensusHeader(Year="2026", ReferenceDate="2026-03-31", LEA="359"),
    )
    source = tmp_path / "census.xml"
    source.write_bytes(data)
    report = tmp_path / "findings.csv"
    call_command("validate_cin", str(source), year="2025/26", out=str(report))
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["child"], r["rule"], r["where"]) for r in rows] == [
        ("NB0001", "8869", "CIN episode 1, assessment 1")
    ]


def test_validate_cin_refuses_an_unreadable_file(tmp_path: Path) -> None:
    source = tmp_path / "census.xml"
    source.write_bytes(b'<!DOCTYPE Message [<!ENTITY a "b">]><Message/>')
    with pytest.raises(CommandError, match="declares a DTD or entities"):
        call_command("validate_cin", str(source), out=str(tmp_path / "r.csv"))
    with pytest.raises(CommandError, match="not a census year"):
        call_command("validate_cin", str(source), year="2024/26", out=str(tmp_path / "r.csv"))


@pytest.mark.django_db
def test_export_cin_refuses_an_unknown_partnership(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No partnership with the slug 'nowhere'"):
        call_command("export_cin", year="2024/25", partnership="nowhere", out=str(tmp_path / "x"))
