"""NCSC password guidance: long passwords and a deny-list, no composition rules or expiry."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .models import User

# Words that make a password easy to guess for anyone who knows where the user works.
DENIED_WORDS = ("safeguard", "masa", "northbury", "children", "partnership", "password")


class PartnershipDenyListValidator:
    """Refuses passwords built around the service's or the partnership's own words."""

    def validate(self, password: str, user: User | None = None) -> None:
        lowered = password.lower()
        for word in DENIED_WORDS:
            if word in lowered and len(lowered.replace(word, "")) < 8:
                raise ValidationError(
                    f"Your password is too easy to guess: it is mostly the word “{word}”",
                    code="password_denied_word",
                )

    def get_help_text(self) -> str:
        return "Do not build your password around the name of the service or the partnership."
