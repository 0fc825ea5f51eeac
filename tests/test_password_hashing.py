"""Passwords are stored at OWASP's recommended cost, not more: Argon2id m=19 MiB, t=2, p=1.

The test settings use a fast hasher; these tests put back the configured ones."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from config.settings import base
from tests.factories import UserFactory

PASSWORD = "a long synthetic passphrase"


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_new_password_is_stored_as_argon2id_at_owasps_cost() -> None:
    """The stored hash says Argon2id, 19,456 KiB of memory, 2 passes, 1 lane, and it verifies."""
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded)
    assert not check_password("not the passphrase", encoded)


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_older_pbkdf2_password_still_signs_in_and_is_upgraded(client) -> None:
    """Someone whose password was hashed with PBKDF2 signs in; their hash is then Argon2id."""
    user = UserFactory(roles=["councillor"])
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    response = client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "m=19456,t=2,p=1" in user.password
