"""Every route declares who may reach it; a route without a rule fails this test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from masa.core.access import access_rule_of, signed_in


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def undeclared_routes(patterns: list[Any]) -> list[str]:
    return [route for route, view in walk(patterns) if access_rule_of(view) is None]


def test_every_route_declares_an_access_rule() -> None:
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 15
    assert undeclared_routes(get_resolver().url_patterns) == []


def undeclared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret")


@signed_in
def declared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


urlpatterns = [
    path("declared/", declared_view),
    path("forgotten/", undeclared_view),
]


def test_the_walker_catches_a_view_added_without_a_rule() -> None:
    assert undeclared_routes(urlpatterns) == ["forgotten/"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_undeclared_view_is_refused_even_to_a_signed_in_user(world) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import signed_in_client

    client: Client = signed_in_client(world.users["system_administrator"])
    assert client.get("/declared/").status_code == 200
    response = client.get("/forgotten/")
    assert response.status_code == 403
    assert b"secret" not in response.content
