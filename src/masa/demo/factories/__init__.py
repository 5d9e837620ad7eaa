"""Per-domain builders of the synthetic demo borough.

Each domain module (``core``, ``people``, and later front door, child protection, care...)
exposes ``build(ctx, rng)`` and ``reset(partnership)``; ``masa.demo.generator`` runs the builds
in order and the resets in reverse order.
"""
