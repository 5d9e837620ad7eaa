"""One way to render forms: every field becomes a GOV.UK Frontend component, every error
appears both inline and in the error summary.

Templates call ``field(form["name"])`` (macro in includes/forms.html), which asks
``govuk_field`` for the component and its parameters; ``form_errors(form)`` renders the summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

from .presenters import parse_masa_id


class GovukForm(forms.Form):
    """Base for masa forms: ids equal field names so error-summary links land on the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class GovukModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    def __init__(self) -> None:
        super().__init__(
            widgets={
                "day": forms.TextInput(),
                "month": forms.TextInput(),
                "year": forms.TextInput(),
            }
        )

    def decompress(self, value: dt.date | None) -> list[Any]:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK pattern's error messages."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        self.label_text = label
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, label=label, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        day, month, year = parts
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {self.label_text.lower()}", code="required")
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(
                f"{self.label_text} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self.label_text} must be a real date", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(
                f"{self.label_text} must be a real date", code="invalid"
            ) from error

    def compress(self, data_list: list[Any]) -> Any:  # clean() does the work
        return data_list


def _label(bf: BoundField, options: dict[str, Any]) -> dict[str, Any]:
    label: dict[str, Any] = {
        "text": str(bf.label),
        "classes": options.get("label_classes", "govuk-label--s"),
    }
    if options.get("page_heading"):
        label["isPageHeading"] = True
        label["classes"] = "govuk-label--l"
    return label


def _error(bf: BoundField) -> dict[str, str] | None:
    return {"text": str(bf.errors[0])} if bf.errors else None


def _choice_items(bf: BoundField, multiple: bool = False) -> list[dict[str, Any]]:
    value = bf.value()
    selected = (
        {str(v) for v in value}
        if multiple and value
        else {str(value)}
        if value is not None
        else set()
    )
    return [
        {
            "value": str(choice_value),
            "text": str(choice_label),
            "checked": str(choice_value) in selected,
            "selected": str(choice_value) in selected,
        }
        for choice_value, choice_label in bf.field.choices  # type: ignore[attr-defined]
    ]


def govuk_field(bf: BoundField, **options: Any) -> tuple[str, dict[str, Any]]:
    """The GOV.UK component for a bound field and the parameters of its macro."""
    widget = bf.field.widget
    params: dict[str, Any] = {"id": bf.name, "name": bf.html_name, "errorMessage": _error(bf)}
    hint = options.get("hint") or bf.help_text
    if hint:
        params["hint"] = {"text": str(hint)}
    if options.get("classes"):
        params["classes"] = options["classes"]
    if options.get("autocomplete"):
        params["autocomplete"] = options["autocomplete"]
    value = bf.value()

    if isinstance(widget, GovukDateWidget):
        parts = list(value) if isinstance(value, list | tuple) else widget.decompress(value)
        items = []
        for suffix, part, width in zip(("day", "month", "year"), parts, (2, 2, 4), strict=True):
            has_error = bool(bf.errors)
            items.append(
                {
                    "id": f"{bf.html_name}_{suffix}",
                    "name": f"{bf.html_name}_{suffix}",
                    "label": suffix.capitalize(),
                    "value": "" if part is None else str(part),
                    "classes": f"govuk-input--width-{width}"
                    + (" govuk-input--error" if has_error else ""),
                    "inputmode": "numeric",
                }
            )
        params.pop("name")
        params["items"] = items
        params["fieldset"] = {
            "legend": {"text": str(bf.label), "classes": "govuk-fieldset__legend--s"}
        }
        return "date", params

    # Before radios: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        params.pop("id")
        params["idPrefix"] = bf.name
        params["items"] = _choice_items(bf, multiple=True)
        params["fieldset"] = {
            "legend": {"text": str(bf.label), "classes": "govuk-fieldset__legend--s"}
        }
        return "checkboxes", params
    if isinstance(widget, forms.RadioSelect):
        params.pop("id")
        params["idPrefix"] = bf.name
        params["items"] = _choice_items(bf)
        params["fieldset"] = {
            "legend": {"text": str(bf.label), "classes": "govuk-fieldset__legend--s"}
        }
        return "radios", params

    params["label"] = _label(bf, options)
    if isinstance(widget, forms.Select):
        params["items"] = _choice_items(bf)
        return "select", params
    if isinstance(widget, forms.Textarea):
        params["value"] = "" if value is None else str(value)
        params["rows"] = options.get("rows", 5)
        return "textarea", params
    if isinstance(widget, forms.PasswordInput):
        params["type"] = "password"
        params["value"] = ""
        return "password", params
    params["value"] = "" if value is None else str(value)
    if isinstance(widget, forms.NumberInput):
        params["inputmode"] = "numeric"
    if isinstance(widget, forms.EmailInput):
        params["type"] = "email"
    return "input", params


def error_summary_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error on the form, in field order, each linking to its field."""
    items: list[dict[str, str]] = []
    first_field = next(iter(form.fields), "")
    for message in form.non_field_errors():
        items.append({"text": str(message), "href": f"#{first_field}"})
    for name, field in form.fields.items():
        errors = form.errors.get(name)
        if not errors:
            continue
        anchor = f"{name}_day" if isinstance(field.widget, GovukDateWidget) else name
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            anchor = name  # the first item's id is the prefix itself
        items.append({"text": str(errors[0]), "href": f"#{anchor}"})
    return items


class MasaIdField(forms.CharField):
    """A child's masa ID (C000123), cleaned to the record id."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "For example, C000123")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        child_id = parse_masa_id(text)
        if child_id is None:
            raise ValidationError("Enter a masa ID like C000123", code="invalid")
        return child_id


# ---------------------------------------------------------------- core pages' forms


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        strip=False,
        error_messages={"required": "Enter your password"},
    )


class TwoFactorForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class BankHolidayForm(GovukForm):
    date = GovukDateField(label="Date of the bank holiday", help_text="For example, 8 5 2023")
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the name of the bank holiday"},
    )


class AuditSearchForm(GovukForm):
    username = forms.CharField(label="User", required=False, max_length=150)
    child_id = MasaIdField(label="Child's masa ID", required=False)
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data


class BreakGlassReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was this emergency access appropriate?",
        widget=forms.RadioSelect,
        choices=[
            ("appropriate", "Yes, it was appropriate"),
            ("inappropriate", "No, refer it to information governance"),
        ],
        error_messages={"required": "Select whether the access was appropriate"},
    )
    note = forms.CharField(
        label="Review note", widget=forms.Textarea, required=False, max_length=2000
    )
