"""Email domains: their shape, and the public or shared ones no organisation may have as its own.

Pure functions and constants (no database), so the data migration that first recorded
organisations' domains can use them too.
"""

from __future__ import annotations

import re

DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")

# Free email services, and domains shared by many organisations (NHSmail, the criminal justice
# secure mail), which no one organisation may verify: a short list of the common ones in the UK.
PUBLIC_DOMAINS = frozenset(
    {
        "aol.co.uk",
        "aol.com",
        "btinternet.com",
        "cjsm.net",
        "gmail.com",
        "gmx.co.uk",
        "gmx.com",
        "googlemail.com",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "mac.com",
        "mail.com",
        "me.com",
        "msn.com",
        "nhs.net",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
        "ymail.com",
    }
)
# Top-level domains that are never an organisation's (RFC 2606, RFC 6761); Onward's own inactive
# service users are at onward.invalid.
RESERVED_SUFFIXES = (".invalid", ".localhost", ".test")


def normalise(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


def email_domain(email: str) -> str:
    """The part after the last ``@``, in lower case ("" if there is none)."""
    return email.strip().rsplit("@", 1)[-1].casefold() if "@" in email else ""


def is_domain(domain: str) -> bool:
    return "@" not in domain and "." in domain and bool(DOMAIN.fullmatch(domain))


def is_public(domain: str) -> bool:
    """A free or shared email domain, or a reserved one: nobody's to verify."""
    return domain in PUBLIC_DOMAINS or domain.endswith(RESERVED_SUFFIXES)
