"""Sign-in hardening: Argon2, NCSC password rules, lockout, two-factor, sessions, CSP, cookies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

import masa
from masa.config.settings import base as base_settings
from masa.core.models import AuditAction, AuditEvent, User

from ..conftest import World
from ..factories import TEST_PASSWORD


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "too short"),
        ("password1234", "too common"),
        ("Northbury!!2026", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(message in str(m) for m in error.value.messages)


def test_a_long_passphrase_is_accepted_without_composition_rules() -> None:
    validate_password("kettle orchard lantern ripple")


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/sign-in/", {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_password_shows_the_error_summary_and_keeps_the_username(world: World) -> None:
    response = sign_in(Client(), "social_worker", "not-the-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'href="#username">Enter a correct username and password' in body
    assert 'value="social_worker"' in body
    assert body.count("<title>Error: ") == 1


@pytest.mark.django_db
def test_account_locks_after_five_failures_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(4):
        assert (
            "Enter a correct username"
            in sign_in(client, "police_officer", "wrong").content.decode()
        )
    fifth = sign_in(client, "police_officer", "wrong").content.decode()
    assert "This account is locked" in fifth
    refused = sign_in(client, "police_officer").content.decode()
    assert "This account is locked" in refused
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_LOCKED, object_id=str(world.users["police_officer"].pk)
    ).exists()


@pytest.mark.django_db
def test_administrator_can_unlock_an_account(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        sign_in(client, "lado", "wrong")
    lado = User.objects.get(username="lado")
    assert lado.locked_until is not None
    admin = client_for("system_administrator")
    assert "Locked" in admin.get("/users/").content.decode()
    admin.post(f"/users/{lado.pk}/unlock/")
    assert sign_in(Client(), "lado").status_code == 302


@pytest.mark.django_db
def test_child_record_roles_must_pass_two_factor_before_any_page(world: World) -> None:
    client = Client()
    response = sign_in(client, "social_worker")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/security-code/")
    blocked = client.get("/children/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/sign-in/security-code/?next=%2Fchildren%2F")
    wrong = client.post("/sign-in/security-code/", {"code": "000000", "next": "/children/"})
    assert "The code is not correct" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles the next attempt for a second after a wrong code
    code = world.totp_code(world.users["social_worker"])
    done = client.post("/sign-in/security-code/", {"code": code, "next": "/children/"})
    assert done["Location"] == "/children/"
    assert client.get("/children/").status_code == 200


@pytest.mark.django_db
def test_aggregate_only_role_signs_in_with_password_alone(world: World) -> None:
    client = Client()
    assert sign_in(client, "independent_scrutineer")["Location"] == "/"
    assert client.get("/partnership/").status_code == 200


@pytest.mark.django_db
def test_a_new_user_sets_up_an_authenticator_before_seeing_children(world: World) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users["health_safeguarding_practitioner"]
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    response = sign_in(client, user.username)
    assert response["Location"].startswith("/sign-in/set-up-authenticator/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Key:" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/sign-in/set-up-authenticator/", {"code": f"{totp(device.bin_key):06d}"})
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/children/").status_code == 200


@pytest.mark.django_db
def test_only_session_and_csrf_cookies_are_set(world: World) -> None:
    client = Client()
    client.get("/sign-in/")
    sign_in(client, "independent_scrutineer")
    client.get("/")
    assert set(client.cookies) <= {"sessionid", "csrftoken"}


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(world: World) -> None:
    response = Client().get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_sessions_time_out_after_thirty_idle_minutes() -> None:
    assert base_settings.SESSION_COOKIE_AGE == 30 * 60
    assert base_settings.SESSION_SAVE_EVERY_REQUEST is True


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import masa.config.settings.production"],
        env={**clean, "PYTHONPATH": str(Path(masa.__file__).resolve().parents[1]), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_secrets() -> None:
    missing = _import_production({})
    assert missing.returncode != 0
    assert "SECRET_KEY must be set" in missing.stderr
    weak = _import_production(
        {"SECRET_KEY": "short", "ALLOWED_HOSTS": "x", "DATABASE_URL": "postgres://u@h/db"}
    )
    assert "at least 50 characters" in weak.stderr
    ok = _import_production(
        {
            "SECRET_KEY": "k" * 60,
            "ALLOWED_HOSTS": "masa.example",
            "DATABASE_URL": "postgres://u@h/db",
        }
    )
    assert ok.returncode == 0, ok.stderr


@pytest.mark.django_db
def test_a_user_sent_to_set_up_an_authenticator_still_returns_to_the_page_they_asked_for(
    world: World,
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users["police_officer"]
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    client.force_login(user)
    to_code = client.get("/children/")
    assert to_code["Location"] == "/sign-in/security-code/?next=%2Fchildren%2F"
    to_setup = client.get(to_code["Location"])
    assert to_setup["Location"] == "/sign-in/set-up-authenticator/?next=%2Fchildren%2F"
