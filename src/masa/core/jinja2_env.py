"""The Jinja2 environment: GOV.UK Frontend macros (govuk-frontend-jinja) plus masa's helpers."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from . import forms as govuk_forms
from . import navigation, presenters


def environment(**options: Any) -> Environment:
    app_loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            app_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(**options)  # noqa: S701 - autoescape is on in settings.TEMPLATES
    env.globals.update(
        {
            "static": static,
            "url": reverse,
            "govuk_field": govuk_forms.govuk_field,
            "error_summary_items": govuk_forms.error_summary_items,
            "service_navigation": navigation.service_navigation,
        }
    )
    env.filters.update(
        {
            "govuk_date": presenters.govuk_date,
            "govuk_datetime": presenters.govuk_datetime,
            "masa_id": presenters.format_masa_id,
        }
    )
    return env
