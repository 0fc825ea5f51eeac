"""Demo partnerships: a partner organisation with its own administrator and an accepted link (ADR 14).

Used by ``load_demo`` and the capability apps' demo loaders; synthetic names only.
"""

from __future__ import annotations

from django.db import transaction
from faker import Faker

from onward.accounts import services
from onward.accounts.models import Organisation, Partnership, User

DEMO_PASSWORD = "onward-demo-2026"  # noqa: S105 - a published demo password, for synthetic data only


def partner_admin_email(name: str) -> str:
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:30]
    return f"admin@{slug}.example"


@transaction.atomic
def demo_partner(*, council: Organisation, name: str, kind: str, fake: Faker | None = None) -> Organisation:
    """The organisation ``name``, working with ``council`` through a link its administrator accepted.

    Idempotent. A new organisation is registered by the council with its first partner
    administrator (``admin@<name>.example``, the demo password), who then accepts; an existing
    one is invited and its administrator accepts.
    """
    if fake is None:
        fake = Faker("en_GB")
        fake.seed_instance(sum(map(ord, name)))
    existing = Organisation.objects.filter(name=name).first()
    open_link = (
        Partnership.objects.filter(council=council, partner=existing, status__in=["invited", "accepted"]).first()
        if existing is not None
        else None
    )
    if open_link is None:
        open_link, _, _ = services.partner_invite(
            acting_user=None,
            council=council,
            name=name,
            kind=kind,
            admin_email=partner_admin_email(name),
            admin_given_name=fake.first_name(),
            admin_family_name=fake.last_name(),
        )
    partner = open_link.partner
    admin = User.objects.filter(organisation=partner, groups__name="partner_administrator").order_by("pk").first()
    if admin is None:
        admin = services.user_create(
            acting_user=None,
            organisation=partner,
            email=partner_admin_email(name),
            given_name=fake.first_name(),
            family_name=fake.last_name(),
            role_keys={"partner_administrator"},
        )
    admin.set_password(DEMO_PASSWORD)
    admin.save(update_fields=["password"])
    if open_link.status == Partnership.Status.INVITED:
        services.partnership_change(acting_user=admin, link=open_link, action="accept", version=open_link.version)
    return partner
