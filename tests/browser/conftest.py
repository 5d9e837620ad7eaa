"""Browser journeys: Playwright driving Debian's Chromium against a live masa, checked with axe.

One live server and one browser serve the whole session. The data is committed once (not per
test) so each role signs in once, with two-factor, and later tests reuse that saved browser state.
At the end the database is flushed (TRUNCATE on PostgreSQL, which the audit trigger allows).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import setup_databases, teardown_databases
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from masa.core.models import User

from ..conftest import World, build_world

# Playwright's sync API runs an event loop in this thread; the ORM calls made between page
# actions are ordinary blocking calls, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MASA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@dataclass
class Site:
    url: str
    world: World
    browser: Browser
    states: dict[str, Any]

    def totp_code(self, user: User) -> str:
        """The current code, or the next one if this step's code was already used."""
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if device.last_t is not None and device.last_t >= clock.t():
            clock.drift = device.last_t - clock.t() + 1 + device.drift
        return f"{clock.token():06d}"

    def sign_in(self, page: Page, username: str, password: str) -> None:
        """The real sign-in: password, then the code from the authenticator app."""
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        user = User.objects.get(username=username)
        if user.role_definition.requires_two_factor:
            page.get_by_label("Code from your authenticator app").fill(self.totp_code(user))
            page.get_by_role("button", name="Continue").click()

    def context_for(self, role: str) -> BrowserContext:
        """A browser signed in as the role's user: signs in once, then reuses the state."""
        if role not in self.states:
            context = self.browser.new_context(base_url=self.url)
            page = context.new_page()
            page.goto("/sign-in/")
            from ..factories import TEST_PASSWORD

            self.sign_in(page, role, TEST_PASSWORD)
            page.wait_for_url(f"{self.url}/")
            self.states[role] = context.storage_state()
            context.close()
        return self.browser.new_context(base_url=self.url, storage_state=self.states[role])


def axe_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.fixture(scope="package")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is needed for the browser journeys: install Debian's chromium ({CHROMIUM})"
        )
    with django_db_blocker.unblock():
        created_here = _ensure_test_database()
        world = build_world()
        overrides = {}
        connection = connections["default"]
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            overrides["default"] = connection
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=overrides)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield Site(f"http://127.0.0.1:{server.port}", world, browser, {})
            finally:
                browser.close()
                server.terminate()
                call_command("flush", interactive=False, verbosity=0)
                _close_other_sessions()
                if created_here:
                    teardown_databases(created_here, verbosity=0)


def _close_other_sessions() -> None:
    """The live server's request threads may still hold connections; end them first."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    connections.close_all()


def _ensure_test_database() -> list[Any]:
    """pytest-django creates the test database only when a collected test is marked for the
    database; run alone, the browser journeys (which must not be) create it themselves."""
    name = str(connections["default"].settings_dict["NAME"])
    if name.startswith("test_") or "memorydb" in name:
        return []
    return list(setup_databases(verbosity=0, interactive=False, aliases={"default"}))
