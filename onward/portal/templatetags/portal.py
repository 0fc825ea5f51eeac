"""Template tags of the young people's own service, and the staff panel showing what a young person said."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from onward.accounts.permissions import Perm
from onward.portal import selectors

register = template.Library()


@register.simple_tag
def portal_idle_minutes() -> int:
    return int(settings.ONWARD_PORTAL_SESSION_IDLE_MINUTES)


@register.inclusion_tag("portal/staff/_voice.html", takes_context=True)
def young_persons_voice(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """On the staff record page (whose view has already authorised ``person``): the young person's own
    service, what they said in it, their goals, and the tasks it gave their adviser."""
    user = context["request"].user
    return {
        "person": person,
        "voice": selectors.voice_of(person),
        "can_change": user.can(Perm.CHANGE_PEOPLE),
        "today": context.get("day"),
    }
