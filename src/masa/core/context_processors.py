from __future__ import annotations

from django.http import HttpRequest

from .models import Partnership


def partnership_name(request: HttpRequest) -> dict[str, str]:
    """The name shown in the header before anyone signs in: the installation's partnership."""
    if request.user.is_authenticated:
        return {}
    first = Partnership.objects.order_by("pk").values_list("name", flat=True).first()
    return {"masa_partnership_name": first or "Safeguarding Children Partnership"}
