"""Every view declares who may reach it. AccessRuleMiddleware enforces the declaration.

A view without a declaration is refused (deny by default), and tests/core/test_url_rules.py
walks the URL configuration and fails on any route that has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.urls import reverse
from django.utils.http import urlencode

from .permissions import Permission

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


class Stage(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    PASSWORD = "password"  # noqa: S105 - password accepted, second factor may be due
    SIGNED_IN = "signed_in"  # fully signed in (with 2FA where the role requires it)


@dataclass(frozen=True)
class AccessRule:
    stage: Stage
    permission: Permission | None = None
    # Any one of these is enough (e.g. a review group member or a scrutineer may read a review).
    any_of: frozenset[Permission] = frozenset()

    def describe(self) -> str:
        if self.stage is Stage.PUBLIC:
            return "public"
        if self.stage is Stage.PASSWORD:
            return "password accepted (two-factor pending)"
        if self.any_of:
            return "any permission of: " + ", ".join(sorted(self.any_of))
        return f"permission: {self.permission}" if self.permission else "any signed-in user"

    def allows(self, user: Any) -> bool:
        if self.any_of:
            return any(user.has_masa_permission(p) for p in self.any_of)
        return self.permission is None or user.has_masa_permission(self.permission)


ATTRIBUTE = "masa_access_rule"


def _declare(rule: AccessRule) -> Callable[[ViewFunc], ViewFunc]:
    def decorator(view: ViewFunc) -> ViewFunc:
        setattr(view, ATTRIBUTE, rule)
        return view

    return decorator


def public(view: ViewFunc) -> ViewFunc:
    return _declare(AccessRule(Stage.PUBLIC))(view)


def password_stage(view: ViewFunc) -> ViewFunc:
    return _declare(AccessRule(Stage.PASSWORD))(view)


def signed_in(view: ViewFunc) -> ViewFunc:
    return _declare(AccessRule(Stage.SIGNED_IN))(view)


def requires(permission: Permission) -> Callable[[ViewFunc], ViewFunc]:
    return _declare(AccessRule(Stage.SIGNED_IN, permission))


def requires_any(*permissions: Permission) -> Callable[[ViewFunc], ViewFunc]:
    """The user needs at least one of ``permissions``."""
    return _declare(AccessRule(Stage.SIGNED_IN, any_of=frozenset(permissions)))


def url_with_next(url_name: str, next_url: str) -> str:
    """A sign-in step's address that returns the user to ``next_url`` when it is done."""
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def access_rule_of(view: Callable[..., Any]) -> AccessRule | None:
    return getattr(view, ATTRIBUTE, None)
