"""The record of processing keeps step with the models, the permission catalogue and docs/privacy.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from onward.accounts.permissions import ROLES, Perm
from onward.privacy import bundle as bundles
from onward.privacy import processing
from tests.conftest import Tenant, sign_in

# Field names that mean a model holds someone's personal data even with no link to a young person.
PERSONAL_FIELDS = {
    "email",
    "phone",
    "address",
    "given_name",
    "family_name",
    "contact_name",
    "contact_phone",
    "files",
    "subject",
    "discrepancies",
    "matched",
    "errors",
    "actor_email",
}


def personal_models() -> set[str]:
    found = {model._meta.label for model in bundles.holding_models()}
    for model in apps.get_models():
        if not model.__module__.startswith("onward."):
            continue
        if {field.name for field in model._meta.concrete_fields} & PERSONAL_FIELDS:
            found.add(model._meta.label)
    return found


def test_every_model_holding_personal_data_is_in_the_record() -> None:
    """A new model linked to a young person, or holding a name, contact details or uploaded files, fails
    here until the record of processing says what it is, who sees it, what is shared and how long it stays."""
    missing = personal_models() - processing.listed_models()
    assert not missing, f"Not in the record of processing (onward/privacy/processing.py KINDS): {sorted(missing)}"
    every = {model._meta.label for model in apps.get_models()}
    assert processing.listed_models() <= every, "The record names models that no longer exist"


def test_who_can_see_each_kind_comes_from_the_catalogue() -> None:
    """Each kind names the roles holding a permission that reaches it; the officer sees only their own kind."""
    entries = {entry.kind.title: entry for entry in processing.entries()}
    assert "Personal adviser" in entries["The young person's record"].roles
    assert "Data protection officer" not in entries["The young person's record"].roles
    # The officer, and (for requests to correct a record and the corrections) those who change records.
    changers = {role.name for role in ROLES if Perm.CHANGE_PEOPLE in role.permissions}
    assert set(entries["Data protection records"].roles) == {"Data protection officer"} | changers
    names = {role.name for role in ROLES}
    for entry in entries.values():
        assert entry.roles and set(entry.roles) <= names and entry.keep and entry.source


def test_docs_privacy_md_is_in_step() -> None:
    """docs/privacy.md holds the record as generated now (run `python manage.py record_of_processing_doc`)."""
    text = (Path(settings.BASE_DIR) / "docs" / "privacy.md").read_text()
    assert processing.replace_generated(text) == text


@pytest.mark.django_db
def test_the_page_shows_the_record_to_the_officer_only(world: dict[str, Tenant]) -> None:
    tenant = world["A"]
    page = sign_in(Client(), tenant.users["data_protection_officer"]).get(reverse("privacy:record-of-processing"))
    assert page.status_code == 200
    html = page.content.decode()
    for entry in processing.entries():
        assert entry.kind.title.replace("'", "&#x27;") in html
    other = sign_in(Client(), tenant.users["administrator"]).get(reverse("privacy:record-of-processing"))
    assert other.status_code == 403
