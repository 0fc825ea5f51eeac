"""How passwords are stored: Argon2id at the cost OWASP's Password Storage Cheat Sheet gives as its
first choice (19 MiB of memory, 2 iterations, 1 degree of parallelism).

Django's own Argon2 default (100 MiB, parallelism 8) and its PBKDF2 default (1,000,000 iterations)
each cost about half a second of a shared core a sign-in; this costs a few tens of milliseconds
and stays memory-hard, which is what slows an attacker's graphics cards. Older PBKDF2 hashes still
verify (PBKDF2 is the second hasher in ``PASSWORD_HASHERS``) and are rewritten as Argon2id when
their owner next signs in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with m=19 MiB, t=2, p=1 (OWASP's minimum configuration for Argon2id)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
