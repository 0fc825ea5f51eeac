"""``{% page "people:caseload" "Young people" %}``: a guide's link to a page of the service.

A page in the menu is linked only for a reader whose menu has it; anyone else reads its name
without a link, so a guide never leads someone to a page they may not open (a councillor is never
led to a list of young people).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from onward.core.navigation import menu_item

register = template.Library()


@register.simple_tag(takes_context=True)
def page(context: dict[str, Any], url_name: str, text: str) -> SafeString:
    href = reverse(url_name)
    item = menu_item(url_name)
    user = context["request"].user
    if item is not None and not item.visible_to(user):
        return format_html("{}", text)
    return format_html('<a class="govuk-link" href="{}">{}</a>', href, text)
