"""Which API records a user may see: built on ``onward.accounts.access``, never beside it.

Tokens and webhooks belong to one organisation and are kept by its administrators (``api.manage``);
an export job belongs to the council of the user who asked for it and is seen by those who may
produce returns there. A partner's system gets nothing here that its users do not get on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.api.models import ApiToken, ExportJob, Webhook, WebhookDelivery


def _get_or_404(queryset: QuerySet[Any], pk: object) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _manages_api(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.can(Perm.MANAGE_API))


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    if not _manages_api(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation_id=user.organisation_id).select_related("user")


def access_token(user: User, pk: object) -> ApiToken:
    result: ApiToken = _get_or_404(tokens_visible_to(user), pk)
    return result


def token_users_for(user: User) -> QuerySet[User]:
    """The users a token may act as: active users of the administrator's own organisation (ADR 14)."""
    if not _manages_api(user):
        return User.objects.none()
    return access.users_visible_to(user).filter(is_active=True)


def webhooks_visible_to(user: User) -> QuerySet[Webhook]:
    if not _manages_api(user):
        return Webhook.objects.none()
    return Webhook.objects.filter(organisation_id=user.organisation_id).select_related("user")


def access_webhook(user: User, pk: object) -> Webhook:
    result: Webhook = _get_or_404(webhooks_visible_to(user), pk)
    return result


def deliveries_visible_to(user: User, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__in=webhooks_visible_to(user), webhook=webhook)


def export_jobs_visible_to(user: User) -> QuerySet[ExportJob]:
    council = access.council_of(user)
    if council is None or not user.can(Perm.EXPORT_RETURNS):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(council=council)


def access_export_job(user: User, pk: object) -> ExportJob:
    result: ExportJob = _get_or_404(export_jobs_visible_to(user), pk)
    return result
