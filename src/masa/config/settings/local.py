"""Local demo: SQLite by default, DEBUG off so error pages look as they will in production."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

DEBUG = env("DEBUG", "0") == "1"

# `runserver --insecure` serves static files from the app folders; WhiteNoise (which serves the
# collected files in production) is not needed for the demo.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
