"""903 rule units, one module per DfE table (and ``masa`` for masa's own reading checks).

Importing the package registers every unit with ``registry.rule``.
"""

from . import (  # noqa: F401
    adoption,
    episodes,
    header,
    masa,
    missing,
    oc2,
    oc3,
    previous_year,
    reviews,
)
