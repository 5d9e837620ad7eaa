"""Rewrite every child's name search keys, after a change to how keys are made (search.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from masa.people.services import search_keys_rebuild


class Command(BaseCommand):
    help = "Rewrite the name search keys of every child (run after changing masa.people.search)."

    def handle(self, *args: Any, **options: Any) -> None:
        children, keys = search_keys_rebuild()
        self.stdout.write(f"Rewrote {keys:,} search keys for {children:,} children")
