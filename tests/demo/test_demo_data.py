"""The demo_data command: accounts, determinism, reset and the shape of the borough."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from masa.core.models import (
    AccessGrant,
    Agency,
    AuditAction,
    AuditEvent,
    BreakGlass,
    FormDraft,
    Notification,
    Partnership,
    Team,
    User,
)
from masa.core.permissions import ROLES
from masa.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY_HEX,
    DEMO_TOTP_SECRET_BASE32,
)
from masa.demo.generator import PROFILES
from masa.people.models import AgencyInvolvement, Child, Sex
from masa.people.selectors import children_visible_to

pytestmark = pytest.mark.django_db


def demo_data(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    """Everything generated about each child, without database ids or timestamps."""
    return [
        (
            child.first_name,
            child.last_name,
            child.date_of_birth,
            child.sex,
            child.summary,
            child.owning_team.name,
            child.allocated_worker.username if child.allocated_worker else None,
            tuple(
                (inv.agency.name, inv.started_on, inv.ended_on)
                for inv in sorted(child.involvements.all(), key=lambda inv: inv.pk)
            ),
        )
        for child in Child.objects.order_by("pk")
        .select_related("owning_team", "allocated_worker")
        .prefetch_related("involvements__agency")
    ]


def test_small_creates_one_working_account_per_demo_role() -> None:
    output = demo_data("--size", "small", "--seed", "1")

    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.is_active
        assert user.role == account.role
        assert user.agency is not None and user.agency.name == account.agency
        assert (user.team.name if user.team else None) == account.team
        assert user.email == f"{account.username}@northbury.example"
        assert user.check_password(DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == DEMO_TOTP_KEY_HEX
        assert device.name == "Demo authenticator"
        assert account.username in output
        assert ROLES[account.role].name in output
    assert {a.role for a in DEMO_ACCOUNTS} == set(ROLES)
    assert DEMO_PASSWORD in output
    assert DEMO_TOTP_SECRET_BASE32 in output


def test_sizes() -> None:
    assert PROFILES["small"].children == 120
    assert PROFILES["borough"].children == 35_000


@pytest.mark.parametrize("seed", ["2026", "1", "99"])
def test_small_borough_shape(seed: str) -> None:
    demo_data("--size", "small", "--seed", seed)

    partnership = Partnership.objects.get(slug="northbury")
    assert partnership.name == "Northbury Safeguarding Children Partnership"
    assert partnership.short_name == "NSCP"
    assert Agency.objects.count() == 11
    assert Team.objects.filter(agency__kind="local_authority").count() == 8
    assert Child.objects.count() == 120
    # Generated practitioners can sign in just like the demo accounts.
    generated = User.objects.exclude(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert generated.filter(role="social_worker").count() >= 10
    for user in generated:
        assert user.check_password(DEMO_PASSWORD)
        assert TOTPDevice.objects.get(user=user).key == DEMO_TOTP_KEY_HEX

    children = Child.objects.annotate(n=Count("involvements"))
    assert not children.filter(n=0).exists()
    assert not Child.objects.exclude(involvements__agency__kind="local_authority").exists()
    assert Child.objects.filter(sex=Sex.UNKNOWN, first_name="Unborn").exists()
    assert AgencyInvolvement.objects.filter(ended_on__isnull=False).exists()
    # Involvements end after they start (the database also checks this).
    assert not AgencyInvolvement.objects.filter(ended_on__lt=F("started_on")).exists()
    # Children of five and over (on 2026-11-23) are on exactly one school's roll; under-fours
    # (born after the 2022 Reception cohort) on none.
    with_schools = Child.objects.annotate(
        schools=Count("involvements", filter=Q(involvements__agency__kind="school"))
    )
    assert set(
        with_schools.filter(date_of_birth__lte=dt.date(2021, 11, 23)).values_list(
            "schools", flat=True
        )
    ) == {1}
    assert set(
        with_schools.filter(date_of_birth__gt=dt.date(2022, 8, 31)).values_list(
            "schools", flat=True
        )
    ) == {0}

    social_worker = User.objects.get(username="social.worker")
    assert 8 <= social_worker.allocated_children.count() <= 10
    for username in ["mash.police", "police.officer", "dsl.school", "health.practitioner"]:
        assert children_visible_to(User.objects.get(username=username)).exists(), username


def test_same_seed_gives_identical_children_and_a_different_seed_differs() -> None:
    demo_data("--seed", "7")
    first = snapshot()
    demo_data("--seed", "7", "--reset")
    assert snapshot() == first
    demo_data("--seed", "8", "--reset")
    assert snapshot() != first


def test_without_reset_an_existing_borough_is_left_alone() -> None:
    demo_data("--seed", "3")
    before = snapshot()

    output = demo_data("--seed", "4")

    assert "already loaded" in output
    assert snapshot() == before
    assert Partnership.objects.count() == 1


def test_reset_clears_and_rebuilds() -> None:
    demo_data("--seed", "5")
    user = User.objects.get(username="social.worker")
    FormDraft.objects.create(user=user, form_key="child-edit", data={"summary": "x"})
    Notification.objects.create(recipient=user, subject="Hello", body="Hello")
    manager = User.objects.get(username="team.manager")
    child_id = Child.objects.order_by("pk").values_list("pk", flat=True)[0]
    now = timezone.now()
    window = {"starts_at": now, "expires_at": now + dt.timedelta(days=1)}
    AccessGrant.objects.create(
        user=user,
        approved_by=manager,
        record_type="child",
        record_id=child_id,
        reason="Cover",
        **window,
    )
    BreakGlass.objects.create(
        user=manager,
        record_type="child",
        record_id=child_id,
        reason="Out of hours",
        started_at=now,
        expires_at=window["expires_at"],
    )
    # Children have casework (protected rows), so remove part of a child's record instead.
    AgencyInvolvement.objects.filter(child_id=child_id).delete()
    involvements = AgencyInvolvement.objects.count()

    demo_data("--seed", "5", "--reset")

    assert Child.objects.count() == 120
    assert AgencyInvolvement.objects.count() > involvements
    assert Partnership.objects.count() == 1
    assert User.objects.filter(username="social.worker").count() == 1
    assert not FormDraft.objects.exists()
    assert not Notification.objects.exists()
    assert not AccessGrant.objects.exists()
    assert not BreakGlass.objects.exists()
    assert TOTPDevice.objects.count() == User.objects.count()


def test_reset_refuses_once_the_audit_log_names_demo_users() -> None:
    demo_data("--seed", "6")
    user = User.objects.get(username="sysadmin")
    AuditEvent.objects.create(
        actor=user, actor_label="Lee Morgan", action=AuditAction.SIGN_IN, object_type="user"
    )
    before = snapshot()

    with pytest.raises(CommandError, match="audit events are never deleted") as refused:
        demo_data("--seed", "6", "--reset")

    if connection.vendor == "sqlite":
        assert "Delete the database file" in str(refused.value)

    assert snapshot() == before
