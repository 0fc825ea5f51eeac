"""What the sign-in lockout counts failures against (ADR 6).

django-axes keys failures on the username it is given. Signing in reads the email address
case-insensitively and with spaces trimmed, so the lockout must key on the same normalised
address; otherwise ``Name@x`` and `` name@x`` would each get their own guesses.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def normalised_email(email: object) -> str | None:
    """The email address as the lockout counts it: spaces trimmed, case-folded; ``None`` if absent."""
    if not isinstance(email, str):
        return None
    return email.strip().casefold() or None


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the normalised email address from the credentials or the form."""
    if credentials and credentials.get("username") is not None:
        return normalised_email(credentials.get("username"))
    data = getattr(request, "data", None) or request.POST
    return normalised_email(data.get("username"))
