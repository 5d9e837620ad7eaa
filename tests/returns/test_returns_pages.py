"""The returns pages: only people who prepare returns reach them; exports download and are
audited; a checked file's findings are shown, filtered and downloaded by the user who checked it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from lxml import etree
from openpyxl import load_workbook

from masa.core.models import AuditAction, AuditEvent
from masa.indicators.services import local_authority_link
from masa.returns.cin.xml_write import CensusHeader, census_xml

from ..conftest import World, signed_in_client
from ..factories import UserFactory
from .cin.builders import CHILD, assessment, ids
from .cin.test_xml_export import casework_for_year

PAGES = ["/returns/", "/returns/cin/export/", "/returns/cin/check/", "/returns/annex-a/"]
HEADER = CensusHeader(Year="2026", ReferenceDate="2026-03-31", LEA="359")


@pytest.fixture(autouse=True)
def private_media(tmp_path: object):  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_social_worker_is_refused_and_the_data_analyst_can(client_for, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for("social_worker").get(path).status_code == 403
    assert client_for("independent_scrutineer").get(path).status_code == 403
    response = client_for("data_analyst").get(path)
    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.django_db
def test_the_data_analyst_downloads_the_census_and_the_export_is_audited(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    local_authority_link(world.partnership, "359", "Wigan")
    casework_for_year(world, 2026)
    refused = client_for("social_worker").post("/returns/cin/export/", {"year": "2026"})
    assert refused.status_code == 403
    response = client_for("data_analyst").post("/returns/cin/export/", {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert 'filename="cin-census-2025-26-359.xml"' in response["Content-Disposition"]
    root = etree.fromstring(response.content)
    assert len(root.findall("Children/Child")) == 5
    (event,) = AuditEvent.objects.filter(object_type="cin_census_export")
    assert event.action == AuditAction.EXPORT
    assert event.actor == world.users["data_analyst"]


@pytest.mark.django_db
def test_without_an_la_code_the_export_page_says_what_to_do(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("data_analyst").post("/returns/cin/export/", {"year": "2026"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"3-digit DfE code" in response.content
    assert not AuditEvent.objects.filter(object_type="cin_census_export").exists()


def upload(client: Client, data: bytes, year: str = "") -> object:
    return client.post(
        "/returns/cin/check/",
        {"census_file": SimpleUploadedFile("census.xml", data, "text/xml"), "year": year},
    )


@pytest.mark.django_db
def test_a_checked_file_shows_its_findings_filtered_and_downloadable(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    wrong = assessment(CHILD, AssessmentFactors=("21", "3A"))
    data = census_xml([wrong, ids(CHILD, LAchildID="=NB2", UPN=None)], 2026, HEADER)
    analyst = client_for("data_analyst")
    response = upload(analyst, data)
    assert response.status_code == 302  # type: ignore[attr-defined]
    findings_url = response["Location"]  # type: ignore[index]
    page = analyst.get(findings_url)
    text = page.content.decode()
    assert "CIN census 2025 to 2026: findings" in text
    assert "8869" in text and "1580" in text and "NB0001" in text
    assert "CIN episode 1, assessment 1" in text

    only = analyst.get(findings_url, {"rule": "8869"}).content.decode()
    assert "1 finding" in only and "1580" not in only.split('id="findings"')[1]

    rows = list(
        csv.reader(io.StringIO(analyst.get(findings_url, {"download": "csv"}).content.decode()))
    )
    assert rows[0] == ["child", "table", "element", "rule", "message", "where", "line"]
    assert [r[0] for r in rows[1:] if r[0].startswith("'")][:1] == ["'=NB2"]
    sheet = load_workbook(
        io.BytesIO(analyst.get(findings_url, {"download": "xlsx", "rule": "8869"}).content)
    )["Findings"]
    assert [c.value for c in sheet[2]][3] == "8869"

    # Another person who prepares returns cannot read this user's check.
    colleague = UserFactory(
        username="analyst2", role="data_analyst", agency=world.users["data_analyst"].agency
    )
    assert signed_in_client(colleague).get(findings_url).status_code == 404
    event = AuditEvent.objects.get(object_type="cin_census_validation")
    assert event.after is not None and event.after["children"] == 2


@pytest.mark.django_db
def test_a_hostile_file_is_refused_on_the_form(client_for) -> None:  # type: ignore[no-untyped-def]
    hostile = b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "y">]><Message>&x;</Message>'
    response = upload(client_for("data_analyst"), hostile)
    assert response.status_code == 200  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    assert "There is a problem" in text
    assert "declares a DTD or entities" in text
    assert 'href="#census_file"' in text


@pytest.mark.django_db
def test_a_file_with_no_year_asks_for_one(client_for) -> None:  # type: ignore[no-untyped-def]
    data = census_xml([CHILD], 2026, None)
    analyst = client_for("data_analyst")
    assert b"say which year" in upload(analyst, data).content  # type: ignore[attr-defined]
    assert upload(analyst, data, "2026").status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_annex_a_workbook_downloads_and_is_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    form = {
        "inspection_day": "23",
        "inspection_month": "11",
        "inspection_year": "2026",
        "period": "ofsted",
    }
    assert client_for("social_worker").post("/returns/annex-a/", form).status_code == 403
    response = client_for("data_analyst").post("/returns/annex-a/", form)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2026-11-23.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Cover" and "List 11" in book.sheetnames
    assert (
        AuditEvent.objects.filter(object_type="annex_a_export", action=AuditAction.EXPORT).count()
        == 1
    )

    missing = client_for("data_analyst").post("/returns/annex-a/", {"period": "ofsted"})
    assert b"Enter inspection date" in missing.content
