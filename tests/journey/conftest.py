"""Fixtures for the journey tests (case pages, work lists, timescales, practice settings)."""

from __future__ import annotations

from .factories import today

__all__ = ["today"]
