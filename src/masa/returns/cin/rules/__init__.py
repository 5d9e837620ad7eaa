"""The CIN census rule units, one module per DfE table. Importing this package registers them."""

from . import assessment, characteristics, cinplan, identifiers, protection, referral, section47

__all__ = [
    "assessment",
    "characteristics",
    "cinplan",
    "identifiers",
    "protection",
    "referral",
    "section47",
]
