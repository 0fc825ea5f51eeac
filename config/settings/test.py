"""Settings for the test suite. The database comes from DATABASE_URL, as everywhere else."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ONWARD_REQUIRE_2FA = True
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # type: ignore[index]
ONWARD_OIDC_ALLOW_LOOPBACK_HTTP = True
