"""Settings for a developer's machine and the demo (``make demo``)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STATIC_ROOT = None  # served from the app's static folders by runserver and WhiteNoise's finders
WHITENOISE_USE_FINDERS = True
ONWARD_OIDC_ALLOW_LOOPBACK_HTTP = env.bool("ONWARD_OIDC_ALLOW_LOOPBACK_HTTP", default=True)
