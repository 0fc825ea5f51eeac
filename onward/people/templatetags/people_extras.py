from __future__ import annotations

from django import template
from django.utils import timezone

from onward.people.categories import age_on
from onward.people.models import YoungPerson

register = template.Library()


@register.filter
def age_today(person: YoungPerson) -> int:
    return age_on(person.date_of_birth, timezone.localdate())
