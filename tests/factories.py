"""factory_boy factories shared by the test suite."""

from __future__ import annotations

import datetime as dt

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from masa.core.models import Agency, AgencyKind, Partnership, Team, User
from masa.people.models import AgencyInvolvement, Child

TEST_PASSWORD = "correct-horse-battery-staple"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    name = "Testshire Safeguarding Children Partnership"
    short_name = "TSCP"
    slug = "testshire"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.LOCAL_AUTHORITY


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = "social_worker"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            TOTPDevice.objects.create(user=self, name="Test app", confirmed=True)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Example"
    date_of_birth = dt.date(2015, 6, 1)
    owning_team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def search_keys(self, create: bool, extracted: object, **kwargs: object) -> None:
        # Services index the names they write; a factory-made child is indexed here instead.
        if create:
            from masa.people.services import search_keys_bulk_index

            search_keys_bulk_index([(self.pk, self.first_name, self.last_name)])


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyInvolvement

    child = factory.SubFactory(ChildFactory)
    agency = factory.SubFactory(AgencyFactory)
    started_on = dt.date(2024, 1, 1)
