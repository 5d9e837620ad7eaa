"""The SSDA903 pages: export, upload, findings, preview and confirm, as a data analyst; who may
not; hostile files; the uploads' private folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from masa.care import import903
from masa.care.models import Episode, ReturnIdentifier
from masa.core.models import AuditEvent
from masa.people.models import Child
from tests.conftest import World, signed_in_client
from tests.factories import UserFactory

from .test_returns903_support import build_records, upn

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
MATRIX = Path(__file__).resolve().parents[2] / "docs" / "permission-matrix.csv"


@pytest.fixture(autouse=True)
def private_folder(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media" / "returns903"


def csv_file(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(), "text/csv")


def return_files() -> list[SimpleUploadedFile]:
    """R1: a girl in care since May 2024 with no ethnicity (DfE rule 103); R2: a boy; and a
    CHILD that would start a spreadsheet formula."""
    return [
        csv_file(
            "kids.csv",
            [
                HEADER,
                f"R1,F,02/03/2014,,{upn(11)},0,",
                f"R2,M,15/08/2016,WBRI,{upn(12)},,",
                "=HYPERLINK(1),M,15/08/2016,WBRI,,,",
            ],
        ),
        csv_file(
            "care.csv",
            [
                EPISODES,
                "R1,01/05/2024,S,C2,N1,U4,PR1,,,,NB1 2AB,NB2 3CD,",
                "R2,10/01/2025,S,V2,N4,U6,PR1,,,,NB1 2AB,NB2 3CD,",
            ],
        ),
    ]


def upload(client: Client, world: World, files=None, year: str = "2025"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("care:returns903-upload"),
        {"year": year, "team": world.la_team.pk, "uploads": files or return_files()},
    )


def test_every_role_gets_the_status_the_matrix_states_for_the_903_pages(world: World) -> None:
    from tests.core.matrix_returns import build

    substitutions = build(world, {})
    clients = {role: signed_in_client(user) for role, user in world.users.items()}
    clients["signed_out"] = Client()
    with MATRIX.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["route"].startswith("care:returns903")]
    assert len(rows) == 10
    mismatches = []
    for row in rows:
        path = row["path"].replace("{upload903}", substitutions["{upload903}"])
        for who, client in clients.items():
            status = client.get(path).status_code
            if status != int(row[who]):
                mismatches.append(f"{row['route']} as {who}: expected {row[who]}, got {status}")
    assert mismatches == []


def test_an_analyst_uploads_reads_the_findings_previews_and_imports(
    world: World, private_folder: Path, django_capture_on_commit_callbacks
) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    response = upload(analyst, world)
    assert response.status_code == 302
    upload_id = response.url.rstrip("/").split("/")[-1]
    assert (private_folder / upload_id / "files").is_dir()
    assert not Child.objects.filter(last_name="R1").exists()  # nothing saved yet

    page = analyst.get(response.url).content.decode()
    assert "Findings in the 2024/25 return" in page
    assert "The ethnicity code is either not valid or has not been entered." in page
    filtered = analyst.get(response.url, {"rule": "MASA-FORMULA"}).content.decode()
    assert "1 finding for 1 child" in filtered
    assert "The ethnicity code" not in filtered

    # The downloads hold the same findings; a cell that would start a formula is made inert.
    download = analyst.get(reverse("care:returns903-findings-csv", args=[upload_id]))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["child", "table", "row", "field", "rule", "message"]
    assert ["'=HYPERLINK(1)", "Header", "3", "CHILD", "MASA-FORMULA"] in [r[:5] for r in rows]
    assert not any(cell.startswith("=") for r in rows for cell in r)
    book = load_workbook(
        io.BytesIO(analyst.get(reverse("care:returns903-findings-xlsx", args=[upload_id])).content)
    )
    cells = [c.value for row in book["Findings"].iter_rows() for c in row]
    assert "103" in cells and "'=HYPERLINK(1)" in cells

    preview = analyst.get(reverse("care:returns903-preview", args=[upload_id])).content.decode()
    assert "Children to create" in preview and "R1" in preview and "2 March 2014" in preview
    assert "=HYPERLINK(1)" in preview and "would start a spreadsheet formula" in preview

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = analyst.post(reverse("care:returns903-confirm", args=[upload_id]))
    assert confirmed.status_code == 302 and confirmed.url == reverse("care:returns903")
    after = analyst.get(confirmed.url).content.decode()
    assert "2 children created, 0 updated, 0 unchanged, 1 refused" in after
    girl = ReturnIdentifier.objects.get(value="R1").child
    assert Episode.objects.get(child=girl).started_on == dt.date(2024, 5, 1)
    assert AuditEvent.objects.filter(object_type="ssda903_import").count() == 1
    assert not (private_folder / upload_id).exists()  # the files go once imported


def test_a_social_worker_cannot_import(world: World, private_folder: Path) -> None:
    worker = signed_in_client(world.users["social_worker"])
    assert upload(worker, world).status_code == 403
    assert not private_folder.exists()
    analyst = signed_in_client(world.users["data_analyst"])
    upload_id = upload(analyst, world).url.rstrip("/").split("/")[-1]
    assert worker.post(reverse("care:returns903-confirm", args=[upload_id])).status_code == 403
    assert not ReturnIdentifier.objects.exists()


def test_another_analysts_upload_is_not_found(world: World) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    upload_id = upload(analyst, world).url.rstrip("/").split("/")[-1]
    colleague = UserFactory(role="data_analyst", agency=world.users["data_analyst"].agency)
    other = signed_in_client(colleague)
    for name in ("care:returns903-findings", "care:returns903-preview"):
        assert other.get(reverse(name, args=[upload_id])).status_code == 404
    assert other.post(reverse("care:returns903-confirm", args=[upload_id])).status_code == 404
    assert not ReturnIdentifier.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("h.csv", (HEADER + "\r\n").encode("utf-16"), "text/csv")],
            "h.csv is UTF-16 text; save it as &#39;CSV UTF-8 (comma delimited)&#39;",
        ),
        (
            [
                SimpleUploadedFile(
                    "bomb.xml",
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903>&a;'
                    b"</EXPSSDA903>",
                    "application/xml",
                )
            ],
            "bomb.xml declares a DTD or entities, which masa refuses in XML",
        ),
        (
            [SimpleUploadedFile("book.xlsx", b"PK\x03\x04", "application/octet-stream")],
            "book.xlsx is not a .csv or .xml file",
        ),
        (
            [csv_file("odd.csv", ["NAME,AGE", "Ann,4"])],
            "its columns (NAME, AGE) match no table of the 2024/25 return",
        ),
        ([csv_file(f"{n}.csv", [HEADER]) for n in range(13)], "Choose at most 12 files"),
    ],
)
def test_hostile_or_wrong_files_are_refused_with_what_to_do(
    world: World, private_folder: Path, files: list[SimpleUploadedFile], message: str
) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    response = upload(analyst, world, files)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not any(private_folder.glob("*")) if private_folder.exists() else True


def test_an_upload_without_files_or_team_shows_the_errors(world: World) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    response = analyst.post(reverse("care:returns903-upload"), {"year": "2025"})
    page = response.content.decode()
    assert "Choose the team to own children new to masa" in page
    assert "Choose the return&#39;s CSV files or its XML file" in page


def test_uploads_are_deleted_after_24_hours(world: World, private_folder: Path) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    upload_id = upload(analyst, world).url.rstrip("/").split("/")[-1]
    meta_path = private_folder / upload_id / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["created_at"] = (
        dt.datetime.fromisoformat(meta["created_at"]) - dt.timedelta(hours=25)
    ).isoformat()
    meta_path.write_text(json.dumps(meta))
    response = analyst.get(reverse("care:returns903-findings", args=[upload_id]))
    assert response.status_code == 404
    assert import903.uploads_purge() == 1
    assert not (private_folder / upload_id).exists()


def test_the_export_downloads_the_years_csv_files_or_xml_and_is_audited(world: World) -> None:
    build_records(world.partnership, world.la_team, 2025)
    analyst = signed_in_client(world.users["data_analyst"])
    page = analyst.get(reverse("care:returns903"), {"year": "2025"}).content.decode()
    assert "For the 2024/25 return (1 April 2024 to 31 March 2025)" in page
    response = analyst.get(reverse("care:returns903-export"), {"year": "2025", "form": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2024-25.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "social_worker_episodes.csv" in archive.namelist()
    header = archive.read("header.csv").decode().splitlines()
    assert header[0] == HEADER and len(header) == 5
    xml = analyst.get(reverse("care:returns903-export"), {"year": "2025", "form": "xml"})
    assert xml.content.startswith(b"<?xml") and xml.content.count(b"<CHILD>") == 4
    events = AuditEvent.objects.filter(object_type="ssda903_export").order_by("id")
    assert [e.after["form"] for e in events] == ["csv", "xml"]
    assert events[0].after["children"] == 4 and events[0].actor == world.users["data_analyst"]


def test_a_confirm_after_the_records_changed_shows_the_new_preview_instead(
    world: World, private_folder: Path
) -> None:
    analyst = signed_in_client(world.users["data_analyst"])
    upload_id = upload(analyst, world).url.rstrip("/").split("/")[-1]
    # Meanwhile the same children are imported another way.
    import903.upload_confirm(
        actor=world.users["data_analyst"], upload_id=upload(analyst, world).url.split("/")[-2]
    )
    response = analyst.post(reverse("care:returns903-confirm", args=[upload_id]), follow=True)
    page = response.content.decode()
    assert "The records have changed since you previewed this import" in page
    assert "Children already as the return says" in page
    assert import903.upload_get(world.users["data_analyst"], upload_id).preview()["unchanged"] == [
        "R1",
        "R2",
    ]
    assert AuditEvent.objects.filter(object_type="ssda903_import").count() == 1
