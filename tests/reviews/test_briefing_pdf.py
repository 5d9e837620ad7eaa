"""The 7-minute briefing as a PDF: a real PDF, with the briefing's title, audited when made."""

from __future__ import annotations

import re
import zlib

import pytest

from masa.core.models import AuditAction, AuditEvent
from masa.reviews.models import Briefing
from masa.reviews.services_learning import briefing_generate, briefing_update, finding_add

from ..conftest import World
from ..reviews_factories import make_review


def pdf_text(pdf: bytes) -> str:
    """The PDF's metadata and the text of its (deflated) streams, enough to find a title."""
    chunks = [pdf.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(chunks)


@pytest.mark.django_db
def test_the_pdf_is_a_pdf_with_the_title(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    review = make_review(world)
    finding_add(
        actor=bm, review=review, title="Kira Holt was not seen", detail="Nobody saw Kira alone."
    )
    briefing = briefing_generate(actor=bm, review=review)
    briefing_update(
        actor=bm,
        briefing=briefing,
        title="Seeing the baby: learning from Child K",
        sections=briefing.sections,
        version=briefing.version,
        approve=True,
    )

    response = client_for("independent_scrutineer").get(
        f"/reviews/{review.pk}/briefings/{briefing.pk}.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"7-minute-briefing-child-k-{briefing.pk}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Seeing the baby: learning from Child K" in text
    assert "Kira" not in text and "Holt" not in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="review_briefing")
    assert event.object_label == f"Child K: 7-minute briefing {briefing.pk} (PDF)"
    assert event.actor == world.users["independent_scrutineer"]


@pytest.mark.django_db
def test_a_draft_pdf_is_not_for_readers_outside_the_group(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    review = make_review(world)
    finding_add(actor=bm, review=review, title="T", detail="D")
    briefing = briefing_generate(actor=bm, review=review)
    url = f"/reviews/{review.pk}/briefings/{briefing.pk}.pdf"

    assert client_for("independent_scrutineer").get(url).status_code == 404
    assert client_for("health_safeguarding_practitioner").get(url).content.startswith(b"%PDF")
    assert Briefing.objects.count() == 1
