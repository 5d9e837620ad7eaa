"""Records beyond the child's journey for the permission matrix: case reviews, learning, actions,
indicators, care, missing, exploitation and LADO, the DfE returns.

Each part keeps its own builder so its placeholders ({review}, {action}...) are made from real
records; this module only gathers them, in order (later parts may reuse earlier placeholders).
"""

from __future__ import annotations

from types import ModuleType

from ..conftest import World
from . import (
    matrix_assurance,
    matrix_care,
    matrix_exploitation,
    matrix_indicators,
    matrix_learning,
    matrix_missing,
    matrix_pack,
    matrix_returns,
    matrix_returns_cin,
    matrix_reviews,
)

PARTS: list[ModuleType] = [
    matrix_reviews,
    matrix_pack,
    matrix_learning,
    matrix_assurance,
    matrix_indicators,
    matrix_care,
    matrix_exploitation,
    matrix_missing,
    matrix_returns,
    matrix_returns_cin,
]


def build_partnership_records(world: World) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in PARTS:
        found.update(part.build(world, found))
    return found
