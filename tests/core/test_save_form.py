"""``save_form``: the one shape of a form page that writes. What the user sees after each outcome:
nothing on a first visit, a success message, a refusal on the right field, every CIN rule failure,
and after a version conflict the form carries the version now saved."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import RequestFactory

from masa.core.forms import GovukForm
from masa.core.services import ServiceError, StaleVersion
from masa.core.views import save_form
from masa.frontdoor.services import CinRuleRefusal
from masa.people.models import Child

from ..conftest import World


class NameForm(GovukForm):
    name = forms.CharField(error_messages={"required": "Enter a name"})
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def posted(data: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().post("/", data or {})
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def shown(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def refuse(error: ServiceError) -> Any:
    def save(data: dict[str, Any]) -> None:
        raise error

    return save


def test_a_first_visit_saves_nothing() -> None:
    request = RequestFactory().get("/")
    form = NameForm(None)
    called: list[dict[str, Any]] = []
    assert save_form(request, form, called.append, success="Saved") is None
    assert called == []
    assert not form.errors


def test_input_that_is_not_valid_is_shown_and_not_saved() -> None:
    request = posted({"name": ""})
    form = NameForm(request.POST)
    called: list[dict[str, Any]] = []
    assert save_form(request, form, called.append, success="Saved") is None
    assert called == []
    assert form.errors["name"] == ["Enter a name"]


def test_a_save_posts_the_message_made_from_what_was_saved() -> None:
    request = posted({"name": "Kira"})
    saved = save_form(
        request,
        NameForm(request.POST),
        lambda data: data["name"].upper(),
        success=lambda name: f"{name} saved",
    )
    assert saved is not None and saved.result == "KIRA"
    assert shown(request) == ["KIRA saved"]


def test_a_refusal_goes_on_its_field_or_above_the_form() -> None:
    request = posted({"name": "Kira"})
    on_field = NameForm(request.POST)
    assert (
        save_form(
            request, on_field, refuse(ServiceError("Enter a shorter name", "name")), success="Saved"
        )
        is None
    )
    assert on_field.errors["name"] == ["Enter a shorter name"]

    above = NameForm(request.POST)
    save_form(
        request, above, refuse(ServiceError("The case is closed", "no_such_field")), success="Saved"
    )
    assert above.non_field_errors() == ["The case is closed"]
    assert shown(request) == []


def test_a_cin_rule_refusal_shows_every_failure() -> None:
    request = posted({"name": "Kira"})
    form = NameForm(request.POST)
    failures = [("Rule 8606: the referral date is too early", "name"), ("Rule 8608: check", None)]
    save_form(request, form, refuse(CinRuleRefusal(failures)), success="Saved")
    assert form.errors["name"] == ["Rule 8606: the referral date is too early"]
    assert form.non_field_errors() == ["Rule 8608: check"]


@pytest.mark.django_db
def test_after_a_version_conflict_the_form_carries_the_version_now_saved(world: World) -> None:
    child = world.child
    Child.objects.filter(pk=child.pk).update(version=7, summary="Saved by someone else")
    request = posted({"name": "Kira", "version": "1"})
    form = NameForm(request.POST)
    assert save_form(request, form, refuse(StaleVersion()), success="Saved", record=child) is None
    assert child.summary == "Saved by someone else"  # the page shows the record as saved
    assert form.data["name"] == "Kira"  # what the user typed is kept
    assert form.data["version"] == "7"
    assert "Someone else changed this record" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_another_refusal_reloads_the_record_but_keeps_the_version_typed(world: World) -> None:
    child = world.child
    Child.objects.filter(pk=child.pk).update(version=7)
    child.summary = "Left half-changed by the service"
    request = posted({"name": "Kira", "version": "1"})
    form = NameForm(request.POST)
    save_form(
        request,
        form,
        refuse(ServiceError("Enter a shorter name", "name")),
        success="Saved",
        record=child,
    )
    assert child.summary != "Left half-changed by the service"
    assert form.data["version"] == "1"
