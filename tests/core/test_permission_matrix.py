"""The committed permission matrix (docs/permission-matrix.csv) is what masa does.

Each row is a route; each column a role (plus signed-out). A cell is the HTTP status that role
gets for a GET. Change the matrix and the code together: this test reads the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from masa.core.permissions import ROLES

from ..conftest import World, signed_in_client
from .matrix_casework import build_casework
from .matrix_partnership import build_partnership_records

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "permission-matrix.csv"


def load_matrix() -> list[dict[str, str]]:
    with MATRIX.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_matrix_covers_every_role_and_every_named_route() -> None:
    from django.urls import get_resolver

    from .test_url_rules import walk

    rows = load_matrix()
    assert set(rows[0]) == {"route", "path", "signed_out", *ROLES}
    named_in_matrix = {row["route"].split(" ")[0] for row in rows}
    resolver = get_resolver()
    named_routes = set()
    for namespace, (_, sub) in resolver.namespace_dict.items():
        for name in sub.reverse_dict:
            if isinstance(name, str):
                named_routes.add(f"{namespace}:{name}")
    assert named_routes <= named_in_matrix, named_routes - named_in_matrix
    assert list(walk(resolver.url_patterns))


@pytest.mark.django_db
def test_every_role_gets_the_status_the_matrix_states(world: World) -> None:
    substitutions = {
        "{child}": str(world.child.pk),
        "{la_only_child}": str(world.la_only_child.pk),
        "{user}": str(world.users["social_worker"].pk),
        **build_casework(world),
        **build_partnership_records(world),
    }
    clients = {role: signed_in_client(user) for role, user in world.users.items()}
    clients["signed_out"] = Client()
    mismatches = []
    for row in load_matrix():
        path = row["path"]
        for placeholder, value in substitutions.items():
            path = path.replace(placeholder, value)
        for who, client in clients.items():
            status = client.get(path).status_code
            if status != int(row[who]):
                mismatches.append(f"{row['route']} as {who}: expected {row[who]}, got {status}")
    assert mismatches == []
