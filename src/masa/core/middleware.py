"""Security middleware: a strict Content Security Policy and the access-rule gate."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .access import Stage, access_rule_of, url_with_next

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Only our own scripts, styles and images; the one inline script carries a nonce."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; "
            "img-src 'self' data:; "
            "font-src 'self'; "
            "connect-src 'self'; "
            "form-action 'self'; "
            "frame-ancestors 'none'; "
            "base-uri 'none'; "
            "object-src 'none'"
        )
        response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response


class AccessRuleMiddleware:
    """Deny by default: a view runs only if it declares a rule and the request satisfies it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(settings.STATIC_URL):
            return None
        rule = access_rule_of(view_func)
        if rule is None:
            logger.error("View %s declares no access rule; refusing", view_func)
            raise PermissionDenied("This page has no access rule")
        if rule.stage is Stage.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if rule.stage is Stage.PASSWORD:
            return None
        if user.role_definition.requires_two_factor and not user.is_verified():  # type: ignore[attr-defined]
            return redirect(url_with_next("core:two-factor", request.get_full_path()))
        if not rule.allows(user):
            raise PermissionDenied
        return None
