"""Email normalisation, so that one person cannot collect the free trial twice."""

from __future__ import annotations

# Providers that ignore dots in the local part; Googlemail is the same mailbox as Gmail.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalize_email(email: str) -> str:
    """The canonical form of a mailbox: case folded, `+tag` dropped, Gmail dots removed.

    >>> normalize_email("J.Doe+jobs@GoogleMail.com")
    'jdoe@gmail.com'
    """
    local, _, domain = email.strip().rpartition("@")
    if not local or not domain:
        return email.strip().casefold()
    local = local.casefold().split("+", 1)[0]
    domain = domain.casefold().rstrip(".")
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
