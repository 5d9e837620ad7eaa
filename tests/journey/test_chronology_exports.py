"""Print, CSV and PDF of a chronology: same filters and visibility as the page, always audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masa.core.models import AgencyKind, AuditAction, AuditEvent
from masa.journey.chronology import chronology_for, safe_cell
from masa.journey.models import ChronologyEntry, EventType, Significance
from tests.casework_factories import at_noon, make_chronology_entry
from tests.conftest import World, signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(world: World, what: str) -> str:
    base = f"/casework/children/{world.child.pk}/chronology"
    return {"csv": f"{base}.csv", "pdf": f"{base}.pdf", "print": f"{base}/print/"}[what]


@pytest.fixture
def entries(world: World) -> None:
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 10),
        source_agency=world.agencies[AgencyKind.POLICE],
        event_type=EventType.STRATEGY,
        significance=Significance.HIGH,
        audience="|health|police|",
        summary="Strategy discussion: agreed section 47 enquiry",
        recorded_by=world.users["police_officer"],
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 12),
        source_agency=world.agencies[AgencyKind.LOCAL_AUTHORITY],
        event_type=EventType.VISIT,
        summary='=HYPERLINK("http://evil.example","click")',
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 14),
        recorded_at=at_noon(dt.date(2026, 3, 30)),
        source_agency=world.agencies[AgencyKind.SCHOOL],
        event_type=EventType.SIGNIFICANT_EVENT,
        significance=Significance.LOW,
        audience="|health|police|school|",
        summary="Zoë told her teacher she was scared",
    )


def exporter_in(world: World, kind: AgencyKind) -> Client:
    """Someone outside social care who may export. No such role exists in masa today, so the
    conference chair role stands in: the document must still show only that agency's view."""
    return signed_in_client(
        UserFactory(role="independent_reviewing_officer", agency=world.agencies[kind])
    )


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.usefixtures("entries")
def test_the_csv_has_a_header_and_one_row_per_visible_entry(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").get(url(world, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"chronology-{world.child.masa_id}-" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows[0] == [
        "Date it happened",
        "Event type",
        "What happened",
        "Source agency",
        "Significance",
        "Date masa learnt of it",
        "Recorded late",
        "Recorded by",
    ]
    assert len(rows) == 4
    assert rows[1][:7] == [
        "2026-02-10",
        "Strategy discussion",
        "Strategy discussion: agreed section 47 enquiry",
        "Test Police",
        "High",
        "2026-02-10",
        "No",
    ]
    assert rows[1][7] == world.users["police_officer"].display_name
    assert rows[3][2] == "Zoë told her teacher she was scared"
    assert rows[3][5:7] == ["2026-03-30", "Yes"]


@pytest.mark.usefixtures("entries")
def test_a_formula_in_a_summary_is_exported_as_text(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    rows = read_csv(client_for("team_manager").get(url(world, "csv")).content)

    assert rows[2][2] == '\'=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_guarded(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Plain words - with a dash") == "Plain words - with a dash"


@pytest.mark.usefixtures("entries")
def test_the_csv_uses_the_page_s_filters_and_the_agency_s_visibility(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    high_only = read_csv(
        client_for("independent_reviewing_officer")
        .get(url(world, "csv"), {"significance": "high"})
        .content
    )

    assert [row[2] for row in high_only[1:]] == ["Strategy discussion: agreed section 47 enquiry"]
    health_view = read_csv(exporter_in(world, AgencyKind.HEALTH).get(url(world, "csv")).content)
    assert "=HYPERLINK" not in str(health_view)  # a visit stays with children's social care
    assert len(health_view) == 3


@pytest.mark.usefixtures("entries")
def test_the_pdf_is_a_pdf_with_the_marking_and_the_child(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").get(url(world, "pdf"), {"significance": "high"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"chronology-{world.child.masa_id}-" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, child_id=world.child.pk)
    assert event.object_label == "Chronology for Kira Holt (PDF)"
    assert event.after == {"lines": 1, "filters": ["Significance: High"]}


@pytest.mark.usefixtures("entries")
def test_the_print_version_has_the_document_and_hides_navigation_when_printed(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").get(url(world, "print"), {"event_type": "strategy"})

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("OFFICIAL-SENSITIVE") == 2
    assert "Chronology for Kira Holt" in text
    assert world.child.masa_id in text
    assert "Event types: Strategy discussion" in text
    assert "Generated on" in text
    assert f"by {world.users['social_worker'].display_name}" in text
    assert '<div class="govuk-!-display-none-print">\n  <header class="govuk-header"' in text
    assert '<div class="govuk-!-display-none-print">\n  <footer class="govuk-footer">' in text
    assert "1 entry, oldest first" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, child_id=world.child.pk, object_label__endswith="(print)"
    ).exists()


@pytest.mark.usefixtures("entries")
def test_the_school_s_printout_says_whose_view_it_is(world: World) -> None:
    text = exporter_in(world, AgencyKind.SCHOOL).get(url(world, "print")).content.decode()

    assert "Test School or education setting: the entries shared with this agency" in text
    assert "Zoë told her teacher" in text
    assert "Strategy discussion: agreed" not in text


@pytest.mark.parametrize("what", ["csv", "pdf", "print"])
def test_every_export_is_audited_against_the_child(world: World, client_for, what: str) -> None:  # type: ignore[no-untyped-def]
    client_for("team_manager").get(url(world, what))

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.child_id == world.child.pk
    assert event.actor == world.users["team_manager"]
    assert event.object_type == "chronology"


@pytest.mark.parametrize("what", ["csv", "pdf", "print"])
@pytest.mark.parametrize(
    "role", ["police_officer", "designated_safeguarding_lead", "mash_practitioner", "lado"]
)
def test_roles_without_export_permission_are_refused_and_nothing_is_audited(
    world: World, client_for, role: str, what: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(role).get(url(world, what))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("what", ["csv", "pdf", "print"])
def test_an_export_of_a_child_out_of_scope_is_404(world: World, what: str) -> None:
    path = url(world, what).replace(str(world.child.pk), str(world.la_only_child.pk))

    assert exporter_in(world, AgencyKind.HEALTH).get(path).status_code == 404


@pytest.mark.parametrize("what", ["csv", "pdf", "print"])
def test_an_export_with_a_bad_filter_goes_back_to_the_page_with_the_error(
    world: World, client_for, what: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    params = {"as_known_on_day": "32", "as_known_on_month": "1", "as_known_on_year": "2026"}

    response = client.get(url(world, what), params)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/casework/children/{world.child.pk}/chronology/?")
    page = client.get(response["Location"]).content.decode()
    assert "As known on must be a real date" in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# The same number of queries for 10 and for 1,000 entries ----------------------------------------


def add_entries(world: World, count: int) -> None:
    police = world.agencies[AgencyKind.POLICE]
    start = dt.date(2020, 1, 1)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            child=world.child,
            occurred_on=start + dt.timedelta(days=n),
            recorded_at=at_noon(start + dt.timedelta(days=n + n % 10)),
            event_type=EventType.SIGNIFICANT_EVENT if n % 2 else EventType.CONFERENCE,
            summary=f"Entry {n}",
            source_agency=police,
            recorded_by=world.users["police_officer"],
            audience="|police|school|",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("as_known_on", [None, dt.date(2026, 1, 1)])
@pytest.mark.parametrize("count", [10, 1000])
def test_the_selector_takes_one_query_for_10_or_1000_entries(
    world: World, django_assert_num_queries, count: int, as_known_on: dt.date | None
) -> None:  # type: ignore[no-untyped-def]
    add_entries(world, count)
    user = world.users["designated_safeguarding_lead"]
    user.agency  # noqa: B018 - loaded before counting, as the request's user is

    expected = 1 if as_known_on is None else 2  # an "as known on" view reads past corrections
    with django_assert_num_queries(expected):
        lines = chronology_for(user, world.child, as_known_on=as_known_on)
        shown = [
            (line.source_agency_name, line.recorded_by_name, line.recorded_late) for line in lines
        ]
    assert len(lines) == len(shown) == count


def page_queries(world: World, client_for, path: str) -> int:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("what", ["page", "csv", "print"])
def test_pages_and_exports_take_the_same_queries_for_10_and_1000_entries(
    world: World, client_for, what: str
) -> None:  # type: ignore[no-untyped-def]
    path = (
        f"/casework/children/{world.child.pk}/chronology/" if what == "page" else url(world, what)
    )
    add_entries(world, 10)
    with_ten = page_queries(world, client_for, path)
    add_entries(world, 990)
    with_thousand = page_queries(world, client_for, path)

    assert with_ten == with_thousand


def test_an_export_appears_in_who_has_viewed_the_child_s_record(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("team_manager").get(url(world, "csv"), {"significance": "high"})

    report = (
        client_for("data_protection_officer")
        .get(f"/children/{world.child.pk}/who-viewed/")
        .content.decode()
    )

    assert "Exported" in report
    assert "Chronology CSV: Significance: High" in report
    assert world.users["team_manager"].username in report
