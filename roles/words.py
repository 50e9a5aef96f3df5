"""The words of a text as RoleMatch compares them: lower-cased, without stop words.

Pure. It lives here, below `matcher`, because reading the skills a job description lists
(`roles.job_description.listed_skills`) must count and compare words exactly as the lexical
scorer (`matcher.lexical`) does.
"""

from __future__ import annotations

import re

# Keeps the punctuation of C++, C#, .NET, Node.js and CI/CD together with their letters.
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[.\-/][a-z0-9+#]+)*|\.[a-z]+", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each etc few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours within across per via using use used including include includes
    ability able strong excellent good great work working worked experience experienced years
    year role team teams candidate candidates job position company responsibilities
    responsible requirements required preferred skills skill knowledge must plus nice well new
    e.g i.e
    """
)


def tokens(text: str) -> list[str]:
    """Lower-cased words without stop words; a trailing full stop is not part of a word."""
    found = (t.lower().rstrip(".-/") for t in _TOKEN.findall(text))
    return [t for t in found if len(t) > 1 and t not in STOPWORDS and not t.isdigit()]
