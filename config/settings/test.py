"""Settings for the test suite. The database comes from DATABASE_URL, as everywhere else."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ONWARD_REQUIRE_2FA = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # noqa: F405 - 403/404/405 are expected in tests
