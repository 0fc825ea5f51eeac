"""The administrator's pages for the open API: tokens (created, listed, scoped, revoked), webhooks and
their delivery log. Only for holders of ``api.manage``, about their own organisation (ADR 27)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.api import access as api_access
from onward.api import forms, services
from onward.api.models import ApiToken, Webhook
from onward.core.forms_errors import apply_validation_error

SECRET_SESSION_KEY = "new-api-secret"  # noqa: S105 - a session key's name


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@access.require_perm(Perm.MANAGE_API)
def token_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    users = api_access.token_users_for(user)
    form = forms.TokenForm(request.POST if request.method == "POST" else None, users=users)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.token_create(
                acting_user=user,
                user=data["user"],
                name=data["name"],
                scope=data["scope"],
                expires_on=data["expires_on"],
                rate_per_minute=data["rate_per_minute"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session[SECRET_SESSION_KEY] = {"name": token.name, "secret": secret}
            return redirect("integrations:token-list")
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": api_access.tokens_visible_to(user),
            "new_secret": request.session.pop(SECRET_SESSION_KEY, None),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )


@require_POST
@access.require_perm(Perm.MANAGE_API)
def token_revoke(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    token_id = request.POST.get("token", "")
    token: ApiToken | None = (
        api_access.tokens_visible_to(user).filter(pk=int(token_id)).first()
        if token_id.isdigit() and len(token_id) < 12
        else None
    )
    if token is None:
        messages.error(request, "Select a token of your own organisation to revoke")
    else:
        services.token_revoke(acting_user=user, token=token)
        messages.success(request, f"The token {token.name} is revoked: it can no longer be used")
    return redirect("integrations:token-list")


@access.require_perm(Perm.MANAGE_API)
def webhook_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    users = api_access.token_users_for(user)
    form = forms.WebhookForm(request.POST if request.method == "POST" else None, users=users)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhook, secret = services.webhook_create(
                acting_user=user, user=data["user"], name=data["name"], url=data["url"], events=data["events"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session[SECRET_SESSION_KEY] = {"name": webhook.name, "secret": secret}
            return redirect("integrations:webhook-detail", pk=webhook.pk)
    return render(request, "api/webhook_list.html", {"form": form, "webhooks": api_access.webhooks_visible_to(user)})


@require_safe
@access.require_perm(Perm.MANAGE_API)
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The webhook and its delivery log, latest first."""
    user = _user(request)
    webhook: Webhook = api_access.access_webhook(user, pk)
    deliveries = api_access.deliveries_visible_to(user, webhook)[:100]
    return render(
        request,
        "api/webhook_detail.html",
        {
            "webhook": webhook,
            "deliveries": deliveries,
            "new_secret": request.session.pop(SECRET_SESSION_KEY, None),
            "disable_url": reverse("integrations:webhook-disable", kwargs={"pk": webhook.pk}),
        },
    )


@require_POST
@access.require_perm(Perm.MANAGE_API)
def webhook_disable(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    webhook = api_access.access_webhook(user, pk)
    services.webhook_disable(acting_user=user, webhook=webhook)
    messages.success(request, f"The webhook {webhook.name} is switched off")
    return redirect("integrations:webhook-detail", pk=webhook.pk)
