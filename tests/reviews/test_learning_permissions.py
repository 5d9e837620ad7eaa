"""The learning pages answer each role as docs/permission-matrix.csv says (this part's rows, with
this part's records: the whole matrix is checked by tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from ..conftest import World, signed_in_client
from ..core.matrix_learning import build
from ..core.test_permission_matrix import load_matrix

ROUTES = {
    "reviews:theme-list",
    "reviews:theme-add",
    "reviews:theme-edit",
    "reviews:themes-analysis",
    "reviews:themes-analysis-csv",
    "reviews:findings",
    "reviews:finding-add",
    "reviews:finding-edit",
    "reviews:finding-withdraw",
    "reviews:recommendation-add",
    "reviews:recommendation-edit",
    "reviews:recommendation-withdraw",
    "reviews:briefing-generate",
    "reviews:briefing",
    "reviews:briefing-pdf",
    "reviews:briefing-edit",
}


@pytest.mark.django_db
def test_every_role_gets_the_status_the_matrix_states_for_the_learning_pages(
    world: World,
) -> None:
    rows = [row for row in load_matrix() if row["route"].split(" ")[0] in ROUTES]
    assert {row["route"].split(" ")[0] for row in rows} == ROUTES
    substitutions = build(world, {})
    clients = {role: signed_in_client(user) for role, user in world.users.items()}
    clients["signed_out"] = Client()
    mismatches = []
    for row in rows:
        path = row["path"]
        for placeholder, value in substitutions.items():
            path = path.replace(placeholder, value)
        assert "{" not in path, path
        for who, client in clients.items():
            status = client.get(path).status_code
            if status != int(row[who]):
                mismatches.append(f"{row['route']} as {who}: expected {row[who]}, got {status}")
    assert mismatches == []
