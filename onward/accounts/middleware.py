from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

# Pages a signed-in user who has not yet completed two-factor sign-in may still reach.
ALLOWED_BEFORE_SECOND_FACTOR = {
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:sign-out",
    "accounts:keep-alive",
}


class TwoFactorRequiredMiddleware:
    """When ``ONWARD_REQUIRE_2FA`` is on, a signed-in user must pass a TOTP check before any page.

    Public pages (marked ``login_not_required``) stay reachable. Users without a confirmed
    authenticator are sent to set one up; others to enter a code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if not settings.ONWARD_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not getattr(view_func, "login_required", True):
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if name in ALLOWED_BEFORE_SECOND_FACTOR:
            return None
        from onward.accounts.selectors import user_has_confirmed_device

        target = "accounts:two-factor-verify" if user_has_confirmed_device(user=user) else "accounts:two-factor-setup"
        return redirect(target)


SESSION_EPOCH_KEY = "session_epoch"


class SignInStateMiddleware:
    """Signs leavers out, and lets a provider's own multi-factor sign-in stand for Onward's code (ADR 24).

    - A user deactivated (by their administrator or their directory over SCIM), or whose
      organisation's provider changed or stopped, has a raised ``session_epoch``; a session made
      before that is ended at its next request, wherever it is.
    - A user who signed in through a provider whose administrator said its multi-factor sign-in
      replaces Onward's code counts as verified for two-factor purposes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if not user.is_active or request.session.get(SESSION_EPOCH_KEY, 0) != user.session_epoch:
                from django.contrib.auth import logout

                logout(request)
                return redirect("accounts:sign-in")
            from onward.accounts.sso import MFA_KEY

            if request.session.get(MFA_KEY):
                user.is_verified = lambda: True  # type: ignore[attr-defined]
        return self.get_response(request)


def remember_session_epoch(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """``user_logged_in``: the session belongs to the user's current epoch."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_EPOCH_KEY] = getattr(user, "session_epoch", 0)
