"""The demo borough's children have valid identifiers, families, address histories, search keys,
a few duplicates to merge and a restricted record; ids keep counting after the bulk load."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from masa.core.models import User
from masa.people import services
from masa.people.identifiers import nhs_number_is_valid, upn_is_valid
from masa.people.models import (
    Address,
    Child,
    FamilyMember,
    PersonSearchKey,
    Relationship,
    RelationshipKind,
)
from masa.people.selectors import likely_duplicates

pytestmark = pytest.mark.django_db


@pytest.fixture
def borough() -> None:
    call_command("demo_data", "--size", "small", "--seed", "11", stdout=StringIO())


def test_identifiers_are_valid_and_unborn_babies_have_due_dates(borough: None) -> None:
    children = Child.objects.all()
    nhs = [n for n in children.values_list("nhs_number", flat=True) if n]
    upns = [u for u in children.values_list("upn", flat=True) if u]
    assert len(nhs) > 100 and all(nhs_number_is_valid(n) and n.startswith("999") for n in nhs)
    assert upns and all(upn_is_valid(u) for u in upns)
    assert len(set(upns)) == len(upns)
    unborn = children.filter(first_name="Unborn")
    assert unborn.exists()
    assert not unborn.filter(date_of_birth__isnull=False).exists()
    assert not unborn.filter(expected_date_of_birth__isnull=True).exists()
    assert not children.filter(date_of_birth__gt=dt.date(2026, 11, 23)).exists()
    # Only the two records made in a hurry at the front door (the duplicates) lack ethnicity.
    assert children.filter(ethnicity="").count() == 2


def test_families_addresses_and_search_keys(borough: None) -> None:
    assert not Child.objects.annotate(n=Count("search_keys")).filter(n=0).exists()
    assert Relationship.objects.filter(kind=RelationshipKind.PARENT).exists()
    assert Relationship.objects.filter(kind=RelationshipKind.SIBLING).exists()
    # Each child has exactly one current address, and the periods never overlap.
    for child in Child.objects.prefetch_related("addresses"):
        periods = sorted((a.from_date, a.to_date or dt.date.max) for a in child.addresses.all())
        assert [end for _, end in periods].count(dt.date.max) == 1, child
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end < start, child


def test_the_demo_holds_duplicates_to_merge_and_a_restricted_record(borough: None) -> None:
    manager = User.objects.get(username="team.manager")
    assert Child.objects.filter(is_restricted=True).count() >= 1
    found = 0
    for child in Child.objects.filter(date_of_birth__isnull=False):
        duplicates = likely_duplicates(
            manager,
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            exclude_id=child.pk,
        )
        found += bool(duplicates)
    assert found >= 2  # each planted duplicate finds its original, and the other way round


def test_new_records_get_fresh_ids_after_the_bulk_load(borough: None) -> None:
    worker = User.objects.select_related("agency", "team").get(username="social.worker")
    highest = Child.objects.order_by("-pk").values_list("pk", flat=True)[0]
    child = services.child_create(
        user=worker,
        details={
            "first_name": "Ada",
            "last_name": "Lovelock",
            "date_of_birth": dt.date(2020, 1, 1),
        },
        confirmed_new=True,
    )
    assert child.pk > highest
    relationship = services.relationship_add(
        user=worker,
        child=child,
        kind=RelationshipKind.PARENT,
        new_member=services.NewFamilyMember(first_name="Grace", last_name="Lovelock"),
    )
    assert relationship.family_member_id == FamilyMember.objects.order_by("-pk")[0].pk
    assert Address.objects.count() > 0 and PersonSearchKey.objects.filter(child=child).exists()
