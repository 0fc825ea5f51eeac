"""Settings for a deployed service: HTTPS only, secure cookies, a real secret key required."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without one
DEBUG = False
ONWARD_ENVIRONMENT = "production"  # not from the environment: load_demo must never run here
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-onward-session"
CSRF_COOKIE_NAME = "__Host-onward-csrf"
ONWARD_REQUIRE_2FA = True
# Each gunicorn thread keeps its database connection between requests (checked before reuse),
# rather than connecting afresh for every request; so an instance holds at most workers x threads
# connections (deploy/gunicorn.conf.py), and PostgreSQL's max_connections bounds the instances.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("ONWARD_DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Preloading HSTS is for a council's whole domain, decided by whoever runs it, not by Onward.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
ONWARD_OIDC_ALLOW_LOOPBACK_HTTP = False  # identity providers are reached over HTTPS only
