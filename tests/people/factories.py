"""Factories for the people app's family and address records (children: tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import factory

from masa.people.models import Address, FamilyMember, Relationship, RelationshipKind

from ..factories import ChildFactory, PartnershipFactory


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    partnership = factory.SubFactory(PartnershipFactory)
    first_name = "Dana"
    last_name = factory.Sequence(lambda n: f"Parent{n}")
    date_of_birth = dt.date(1990, 2, 3)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    child = factory.SubFactory(ChildFactory)
    family_member = factory.SubFactory(
        FamilyMemberFactory, partnership=factory.SelfAttribute("..child.partnership")
    )
    kind = RelationshipKind.PARENT
    lives_with_child = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    child = factory.SubFactory(ChildFactory)
    line_1 = factory.Sequence(lambda n: f"{n + 1} Moor Lane")
    town = "Northbury"
    postcode = "NB1 2AB"
    from_date = dt.date(2020, 1, 1)
