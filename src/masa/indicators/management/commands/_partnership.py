"""The partnership a command works on: named by ``--partnership SLUG``, or the only one."""

from __future__ import annotations

from django.core.management.base import CommandError

from masa.core.models import Partnership


def partnership_named(slug: str | None) -> Partnership:
    if slug:
        found = Partnership.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(Partnership.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No partnership {slug!r} (partnerships: {known})")
        return found
    everyone = list(Partnership.objects.all()[:2])
    if len(everyone) != 1:
        raise CommandError("Name the partnership with --partnership SLUG")
    return everyone[0]
