"""The permission matrix rows of the missing and care leaver pages, checked with their own records
(tests/core/matrix_missing.py) until the whole matrix test gathers them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World, signed_in_client
from tests.core import matrix_missing
from tests.core.test_permission_matrix import load_matrix

pytestmark = pytest.mark.django_db

OURS = (
    "care:missing-",
    "care:leaver",
    "care:pathway-plan-record",
    "care:staying-put-record",
)


def test_every_role_gets_the_status_the_matrix_states_for_these_pages(world: World) -> None:
    rows = [row for row in load_matrix() if row["route"].startswith(OURS)]
    assert len(rows) == 15
    substitutions = {
        "{child}": str(world.child.pk),
        "{la_only_child}": str(world.la_only_child.pk),
        **matrix_missing.build(world, {}),
    }
    clients = {role: signed_in_client(user) for role, user in world.users.items()}
    clients["signed_out"] = Client()
    mismatches = []
    for row in rows:
        path = row["path"]
        for placeholder, value in substitutions.items():
            path = path.replace(placeholder, value)
        for who, client in clients.items():
            status = client.get(path).status_code
            if status != int(row[who]):
                mismatches.append(f"{row['route']} as {who}: expected {row[who]}, got {status}")
    assert mismatches == []
