"""Settings shared by every environment. Everything that differs between machines comes from the
environment (``ONWARD_*`` variables and ``DATABASE_URL``); see README.md for the list."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "onward.core",  # before django_tasks_db: its db_worker command adds leases (ADR 0018)
    "onward.accounts",
    "onward.audit",
    "onward.people",
    "onward.returns",
    "onward.referrals",
    "onward.opportunities",
    "onward.plans",
    "onward.performance",
    "onward.participation",
    "onward.privacy",  # issue 22: data protection
    "onward.supporters",  # mentors, carers, training, accommodation providers (docs/supporters.md)
    "onward.network",
    "onward.finance",  # financial support for EET (ADR 34)
    "onward.portal",  # the young people's own service (docs/portal.md)
    "django_tasks",
    "django_tasks_db",
    "onward.guides",
    "onward.oruk",  # the directory published as Open Referral UK (docs/oruk.md)
    "onward.api",
]

MIDDLEWARE = [
    "onward.core.middleware.HealthCheckMiddleware",  # first: answers /healthz even with the database down
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onward.core.middleware.RequestContextMiddleware",
    "onward.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "onward.core.middleware.UploadSizeMiddleware",  # before anything reads the body (RefuseNul reads the form)
    "onward.accounts.middleware.SignInStateMiddleware",
    "onward.core.middleware.RefuseNulMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "onward.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "onward.core.middleware.UploadErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onward" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onward.core.context_processors.shell",
            ],
        },
    },
]
# Form fields render through one GOV.UK field template (onward/templates/components/).
FORM_RENDERER = "onward.core.forms.GovukFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False


def _prepared_statements(database: dict[str, Any]) -> dict[str, Any]:
    """On PostgreSQL, values are sent apart from the SQL (server-side binding), and a statement run
    ``ONWARD_DB_PREPARE_THRESHOLD`` times on a connection (5; 0: never) is prepared there, so
    PostgreSQL parses it once and can keep its plan, rather than parse and plan every query afresh
    (ADR 39). Each connection keeps its own; a pooler in front must support prepared statements."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        threshold = env.int("ONWARD_DB_PREPARE_THRESHOLD", default=5)
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = threshold or None
    return database


_prepared_statements(DATABASES["default"])
# A read replica for reporting (config/routers.py): off unless ONWARD_REPORTING_DATABASE_URL is set.
if env("ONWARD_REPORTING_DATABASE_URL", default=""):
    DATABASES["reporting"] = env.db("ONWARD_REPORTING_DATABASE_URL")
    DATABASES["reporting"]["TEST"] = {"MIRROR": "default"}
    _prepared_statements(DATABASES["reporting"])
DATABASE_ROUTERS = ["config.routers.ReportingRouter"]
# Caches hold nothing that another process must see: each process keeps its own (local memory).
# "trends": the performance pages' trend charts and tables, made from stored month-end figures and
# kept under a key that names every row they were made from (onward/performance/views.py, _trends),
# so an entry is never stale, only unused; the oldest go once there are MAX_ENTRIES (about 200 KB each).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "trends": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "trends",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

# Passwords are stored as Argon2id at OWASP's recommended cost (onward/accounts/hashers.py); hashes
# made earlier with PBKDF2 still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "onward.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Password policy: at least 12 characters, not common, not all numbers, not like the user's details.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 72  # a set-password link lasts three days

# Sessions end after a period of inactivity; every request renews them.
SESSION_IDLE_MINUTES = env.int("ONWARD_SESSION_IDLE_MINUTES", default=30)
SESSION_WARNING_MINUTES = env.int("ONWARD_SESSION_WARNING_MINUTES", default=2)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Two-factor sign-in (TOTP) for staff; on everywhere except the local demo.
ONWARD_REQUIRE_2FA = env.bool("ONWARD_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Onward"

# Single sign-on through an organisation's own OpenID Connect provider (ADR 24). Client secrets
# come from environment variables named ONWARD_OIDC_SECRET_<something>, one per organisation; the
# organisation's administrator enters only the variable's name. Plain-HTTP issuers are refused
# except on this machine when ONWARD_OIDC_ALLOW_LOOPBACK_HTTP is on (the demo and the tests).
ONWARD_OIDC_ALLOW_LOOPBACK_HTTP = env.bool("ONWARD_OIDC_ALLOW_LOOPBACK_HTTP", default=False)
ONWARD_OIDC_LEEWAY_SECONDS = env.int("ONWARD_OIDC_LEEWAY_SECONDS", default=60)

# SAML 2.0 sign-in (ADR 32). Onward's own private key and certificate (PEM files, for example a
# mounted secret) sign its requests and are published in each organisation's service provider
# metadata; they are never in the database. Without both, SAML sign-in is refused with a message.
# pysaml2 checks and makes signatures with the xmlsec1 program (a machine package).
ONWARD_SAML_SP_KEY_FILE = env("ONWARD_SAML_SP_KEY_FILE", default="")
ONWARD_SAML_SP_CERT_FILE = env("ONWARD_SAML_SP_CERT_FILE", default="")
ONWARD_SAML_XMLSEC_BINARY = env("ONWARD_SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1")
ONWARD_SAML_LEEWAY_SECONDS = env.int("ONWARD_SAML_LEEWAY_SECONDS", default=60)

# Lockout after repeated failed sign-ins, per email address and IP address.
AXES_FAILURE_LIMIT = env.int("ONWARD_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ONWARD_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the email address as signing in reads it (trimmed, any case).
AXES_USERNAME_CALLABLE = "onward.accounts.lockout.lockout_username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("ONWARD_PROXY_COUNT", default=0)

# Content Security Policy with nonces: no inline script or style without the page's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")  # collectstatic writes here (production)
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "onward" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work (large imports) runs from a queue in the database: `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("ONWARD_TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}
ONWARD_BACKGROUND_IMPORT_ROWS = env.int("ONWARD_BACKGROUND_IMPORT_ROWS", default=5000)
# A worker holds a lease on the task it runs, renewed every RENEW seconds; a task whose lease ran out
# (its worker was killed) is run again by a live worker, up to MAX_ATTEMPTS claims, then failed.
# A task waiting longer than STUCK seconds for a worker shows as stuck (ADR 0018).
ONWARD_TASK_LEASE_SECONDS = env.int("ONWARD_TASK_LEASE_SECONDS", default=30)
ONWARD_TASK_LEASE_RENEW_SECONDS = env.float("ONWARD_TASK_LEASE_RENEW_SECONDS", default=5.0)
ONWARD_TASK_MAX_ATTEMPTS = env.int("ONWARD_TASK_MAX_ATTEMPTS", default=3)
ONWARD_TASK_STUCK_SECONDS = env.int("ONWARD_TASK_STUCK_SECONDS", default=120)
# Referrals: working days allowed for triage; whether a partner's recorded start goes straight into
# the young person's EET history (otherwise their personal adviser confirms it).
ONWARD_TRIAGE_WORKING_DAYS = env.int("ONWARD_TRIAGE_WORKING_DAYS", default=5)
ONWARD_REFERRAL_STARTS_DIRECT = env.bool("ONWARD_REFERRAL_STARTS_DIRECT", default=False)
# Working days after becoming NEET by which a referral is due (the list, the home task, the indicator).
ONWARD_NEET_REFERRAL_WORKING_DAYS = env.int("ONWARD_NEET_REFERRAL_WORKING_DAYS", default=10)
# Needs against provision: a wait from sending to starting longer than this flags a gap.
ONWARD_PROVISION_WAIT_DAYS = env.int("ONWARD_PROVISION_WAIT_DAYS", default=28)
# Performance: how many percentage points short of a target still count as "near target" (a target
# may set its own).
ONWARD_TARGET_TOLERANCE_POINTS = env.float("ONWARD_TARGET_TOLERANCE_POINTS", default=2.0)
# Days an NCCIS activity stays current once ascertained, by code ("230=300;619=61"); the rest keep
# the defaults in onward/participation/rules.py (docs/nccis-feed.md).
ONWARD_NCCIS_LAPSE_DAYS = env.dict("ONWARD_NCCIS_LAPSE_DAYS", cast={"value": int}, default={})

# Dates: how far ahead any date may be, and how far ahead an activity (EET, accommodation) may start.
ONWARD_DATE_YEARS_AHEAD = env.int("ONWARD_DATE_YEARS_AHEAD", default=10)
ONWARD_START_DAYS_AHEAD = env.int("ONWARD_START_DAYS_AHEAD", default=92)
# Uploads: refused before they are read if larger than this, or (CSV and XLSX) with more rows; an
# XLSX whose sheets would unpack to more than ONWARD_UPLOAD_MAX_UNZIPPED_MB is refused unread.
ONWARD_UPLOAD_MAX_MB = env.int("ONWARD_UPLOAD_MAX_MB", default=50)
ONWARD_UPLOAD_MAX_ROWS = env.int("ONWARD_UPLOAD_MAX_ROWS", default=100_000)
ONWARD_UPLOAD_MAX_UNZIPPED_MB = env.int("ONWARD_UPLOAD_MAX_UNZIPPED_MB", default=500)
# A request declaring more than ONWARD_UPLOAD_MAX_MB (+1 MB for the form) is refused unread
# (UploadSizeMiddleware). Files up to FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory; larger ones are
# streamed to FILE_UPLOAD_TEMP_DIR (the system's temporary directory unless ONWARD_UPLOAD_TEMP_DIR is
# set; give it its own small filesystem in production), removed at the end of the request. At most
# (ONWARD_UPLOAD_MAX_MB + 1) MB per request in flight, so the directory is bounded by that times
# gunicorn's workers x threads (deploy/gunicorn.conf.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("ONWARD_UPLOAD_MEMORY_BYTES", default=2_621_440)
FILE_UPLOAD_TEMP_DIR = env("ONWARD_UPLOAD_TEMP_DIR", default=None)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Where this instance runs. production.py fixes it at "production", where load_demo (synthetic data
# and a published password) refuses to run.
ONWARD_ENVIRONMENT = env("ONWARD_ENVIRONMENT", default="development")

# The name shown in the phase banner and page titles.
ONWARD_SERVICE_NAME = "Onward"
ONWARD_PHASE = env("ONWARD_PHASE", default="Beta")
ONWARD_FEEDBACK_EMAIL = env("ONWARD_FEEDBACK_EMAIL", default="onward-feedback@example.org")

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The SMTP relay (with the smtp backend above): host, port, credentials and TLS from the environment.
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)  # TLS from the start, usually on port 465
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Onward <onward@example.org>")
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both")

# Structured logs: one JSON object a line on standard output.
LOG_LEVEL = env("ONWARD_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"request_context": {"()": "onward.core.logging.RequestContextFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint and the font tools it uses log every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Data protection (issue 22, onward/privacy; docs/privacy.md gives each rule's legal source).
# How long each kind of record is kept. Care records: until the young person's 75th birthday, or 15
# years after death if they died before 18 (care planning regulations' rule for looked-after
# children's case records). Referral data shared with partners: 6 years after the referral last
# changed (Limitation Act 1980 ss. 2 and 5; the council's retention schedule may say otherwise).
# Audit entries: as long as the records they describe (deleted with them).
# Imported files (SSDA903 and case-system files, benchmark files, settings' on-roll lists, partners'
# lists, the careers service's return): 730 days from the upload, then the daily `retention_due` job
# deletes the file and the values copied from it, keeping the run's summary. Why two years: a file
# imported in April serves the return made after the year ends (31 March next year, made by July) and
# the Department's queries on it (to the autumn), about 19 months; nothing needs the file after that
# (what it brought in is in the register). UK GDPR Art. 5(1)(c) and (e).
ONWARD_RETENTION = {
    "care_record_until_age": env.int("ONWARD_RETENTION_CARE_RECORD_AGE", default=75),
    "care_record_years_after_death": env.int("ONWARD_RETENTION_YEARS_AFTER_DEATH", default=15),
    "partner_referral_years": env.int("ONWARD_RETENTION_REFERRAL_YEARS", default=6),
    "imported_files_days": env.int("ONWARD_RETENTION_IMPORTED_FILES_DAYS", default=730),
}
# The Department for Education's SSDA903 validator runs in its own virtual environment (make validator-env).
ONWARD_VALIDATOR_PYTHON = env("ONWARD_VALIDATOR_PYTHON", default=str(BASE_DIR / ".venv-903" / "bin" / "python"))
# The young people's own service (docs/portal.md): short sessions and one-time sign-in codes by email.
ONWARD_PORTAL_SESSION_IDLE_MINUTES = env.int("ONWARD_PORTAL_SESSION_IDLE_MINUTES", default=15)
ONWARD_PORTAL_SESSION_MAX_MINUTES = env.int("ONWARD_PORTAL_SESSION_MAX_MINUTES", default=60)
ONWARD_PORTAL_CODE_MINUTES = env.int("ONWARD_PORTAL_CODE_MINUTES", default=10)
ONWARD_PORTAL_EXIT_URL = env("ONWARD_PORTAL_EXIT_URL", default="https://www.bbc.co.uk/weather")

# Webhooks are delivered to public addresses only (onward/api/outbound.py); an installation on a
# council's own network may name private ranges its receivers live in (CIDR, comma-separated).
ONWARD_WEBHOOK_PRIVATE_NETWORKS = env.list("ONWARD_WEBHOOK_PRIVATE_NETWORKS", default=[])
