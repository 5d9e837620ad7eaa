"""manage.py annex_a: the workbook for an inspection date."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from ..conftest import World


@pytest.mark.django_db
def test_annex_a_writes_the_workbook(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "annex-a.xlsx"
    call_command("annex_a", partnership=world.partnership.slug, to="2026-11-23", out=str(out))
    assert "Annex A for an inspection on 23 November 2026: List 1 0" in capsys.readouterr().out
    assert load_workbook(out).sheetnames[:2] == ["Cover", "List 1"]
    with pytest.raises(CommandError, match="is not a date"):
        call_command("annex_a", partnership=world.partnership.slug, to="23/11/2026", out=str(out))
