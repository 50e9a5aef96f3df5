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


# Personal mailbox providers: their domain says nothing about the employer.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yandex.com",
        "mail.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
    }
)
# Second-level labels under a country code, as in example.co.uk or example.com.au.
_COUNTRY_SECOND_LEVEL = frozenset({"co", "com", "ac", "org", "net", "gov", "edu", "ne", "or"})


def _words(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(part[:1].upper() + part[1:] for part in cleaned.split())


def organisation_name_from_email(email: str) -> str:
    """A starting name for a new organisation, guessed from the sign-up address.

    >>> organisation_name_from_email("jane@acme-robotics.co.uk")
    'Acme Robotics'
    >>> organisation_name_from_email("jane.doe+jobs@gmail.com")
    "Jane Doe's team"
    """
    local, _, domain = email.strip().rpartition("@")
    domain = domain.casefold().rstrip(".")
    labels = [label for label in domain.split(".") if label]
    if domain not in PERSONAL_MAIL_DOMAINS and len(labels) >= 2:
        if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _COUNTRY_SECOND_LEVEL:
            base = labels[-3]
        else:
            base = labels[-2]
        name = _words(base)
        if name:
            return name[:200]
    person = _words(local.split("+", 1)[0])
    return f"{person}'s team"[:200] if person else "My team"
