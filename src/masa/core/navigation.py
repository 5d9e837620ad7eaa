"""Service navigation by role: a user sees only the sections their permissions open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from .permissions import Permission


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    permission: Permission | None  # None: every signed-in user
    # Shown to holders of any of these too (e.g. review group members and scrutineers).
    or_permissions: tuple[Permission, ...] = ()

    def shown_to(self, user: object) -> bool:
        needed = (self.permission, *self.or_permissions)
        if self.permission is None:
            return True
        return any(user.has_masa_permission(p) for p in needed)  # type: ignore[attr-defined]


NAV_ITEMS = [
    NavItem("Home", "core:dashboard", None),
    NavItem("Children", "people:child-list", Permission.VIEW_CHILD_RECORDS),
    NavItem("Front door", "frontdoor:contact-list", Permission.VIEW_CHILD_RECORDS),
    NavItem("Work lists", "journey:work-list", Permission.VIEW_WORK_LISTS),
    NavItem("Early help", "earlyhelp:episode-list", Permission.RECORD_EARLY_HELP),
    NavItem(
        "Case reviews",
        "reviews:review-list",
        Permission.VIEW_CASE_REVIEWS,
        (Permission.OVERSEE_CASE_REVIEWS,),
    ),
    NavItem("Actions", "assurance:action-list", Permission.VIEW_ACTIONS),
    NavItem("Allegations (LADO)", "care:lado-list", Permission.MANAGE_LADO),
    NavItem("Missing", "care:missing-list", Permission.RECORD_MISSING),
    NavItem("Care leavers", "care:leaver-list", Permission.VIEW_WORK_LISTS),
    NavItem("Exploitation", "care:mace-list", Permission.VIEW_EXPLOITATION),
    NavItem("Indicators", "indicators:dashboard", Permission.VIEW_INDICATORS),
    NavItem("DfE returns", "returns:index", Permission.SUBMIT_RETURNS),
    NavItem("Emergency access reviews", "core:break-glass-review", Permission.REVIEW_BREAK_GLASS),
    NavItem("Partnership", "core:partnership", Permission.VIEW_PARTNERSHIP_OVERVIEW),
    NavItem("Audit log", "core:audit-log", Permission.VIEW_AUDIT_LOG),
    NavItem("Users", "core:user-list", Permission.MANAGE_USERS),
    NavItem("Bank holidays", "core:bank-holidays", Permission.MANAGE_CALENDAR),
    NavItem("Timescales", "journey:clocks", None),
    NavItem("Roles", "core:roles", None),
]


def service_navigation(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for item in NAV_ITEMS:
        if not item.shown_to(user):
            continue
        href = reverse(item.url_name)
        current = request.path == href or (href != "/" and request.path.startswith(href))
        items.append({"href": href, "text": item.text, "active": current})
    return items
