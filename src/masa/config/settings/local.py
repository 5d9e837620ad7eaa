"""Local demo: SQLite by default, DEBUG off so error pages look as they will in production."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env("DEBUG", "0") == "1"
WHITENOISE_USE_FINDERS = True  # the demo serves static files without collectstatic
