"""Every page says who may use it through one mechanism: ``access.require_perm`` (which marks the view
with its ``page_rule``), or ``login_not_required`` for a public page. A page checking permissions
some other way, or not at all, fails here."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from onward.accounts.access import PageRule

# Pages open without a staff sign-in, each for a reason; a page marked public that is not named here fails.
PUBLIC = {
    # what anyone may read, and the health check
    "core:healthz", "core:accessibility", "core:cookies",
    # signing in, and setting a password from an administrator's link
    "accounts:sign-in", "accounts:oidc-callback", "accounts:signed-out", "accounts:set-password",
    # SAML (ADR 32): Onward's public SP metadata, and where the identity provider posts its response.
    "accounts:saml-metadata", "accounts:saml-acs",
    "accounts:password-set",
    # SCIM provisioning: its own bearer token, checked in the view (ADR 24)
    "accounts:scim-users", "accounts:scim-user",
    # the provision directory in Open Referral UK: open data, never personal data (docs/oruk.md)
    "oruk:root", "oruk:services", "oruk:service", "oruk:service-at-locations", "oruk:service-at-location",
    "oruk:taxonomies", "oruk:taxonomy", "oruk:taxonomy-terms", "oruk:taxonomy-term",
    # a young person signing in to their own service, or leaving it fast
    "my:sign-in", "my:code", "my:signed-out", "my:leave",
    # the council's published local offer, and asking for support again (it reveals nothing)
    "local-offer:current", "local-offer:version", "local-offer:support-again",
}  # fmt: skip


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield f"{namespace}:{pattern.name}", pattern


def onward_pages() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in _patterns(get_resolver().url_patterns)
        if getattr(pattern.callback, "__module__", "").startswith("onward.")
        or getattr(getattr(pattern.callback, "view_class", None), "__module__", "").startswith("onward.")
    ]


def test_every_page_carries_its_rule_or_is_marked_public() -> None:
    """Each of Onward's pages has a page rule, or is public; none checks permissions only in its body."""
    pages = onward_pages()
    assert len(pages) > 100
    unmarked = [
        route
        for route, pattern in pages
        if not isinstance(getattr(pattern.callback, "page_rule", None), PageRule)
        and getattr(pattern.callback, "login_required", True) is not False
    ]
    assert unmarked == []


def test_every_page_open_without_a_staff_sign_in_is_named_or_a_young_persons() -> None:
    """A page marked ``login_not_required`` is either one of the named public pages or a young person's
    own page, which the portal's policy guards (``young_person_page``)."""
    open_pages = {
        name
        for name, pattern in onward_pages()
        if getattr(pattern.callback, "login_required", True) is False
        and not getattr(pattern.callback, "young_person_page", False)
    }
    assert open_pages == PUBLIC
