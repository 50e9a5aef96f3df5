"""The words of a text as RoleMatch compares them: lower-cased, without stop words; and a
title without the qualifier an occupation's name carries ("..., Except Special Education").

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


# What an occupation's title says it is not, or that it is the rest of its group, as O*NET writes
# its titles and as ads and resumes copy them ("Elementary School Teachers, Except Special
# Education", "Interviewers - except eligibility and loan", "Engineers - all other"). Compared
# with candidates' titles, "Special Education" found the very teachers the title leaves out. An
# "Including" list names kinds of the job ("Fine Artists, Including Painters") and stays.
_TITLE_QUALIFIER = re.compile(
    r"\s*(?:,|\s[-\u2013\u2014])\s*(?:(?P<all_other>all other)\b|(?:except|excluding)\b)",
    re.IGNORECASE,
)
_TITLE_PART = re.compile(r"\s*(?:,|\s[-\u2013\u2014]\s)\s*")
_LAST_ITEM = re.compile(r"(?:and|or)\b", re.IGNORECASE)


def without_qualifier(title: str) -> str:
    """The title without an "except ..." or "all other" qualifier. What follows the qualifier
    beyond a comma or a dash (an employer, dates) stays, unless the qualifier is a list whose
    last item opens with "and" or "or" ("Except Legal, Medical, and Executive", or with dashes for
    the commas)."""
    found = _TITLE_QUALIFIER.search(title)
    if found is None:
        return title
    end = found.end()
    if not found.group("all_other"):
        parts = list(_TITLE_PART.finditer(title, end))
        end = parts[0].start() if parts else len(title)
        for i, part in enumerate(parts):
            if _LAST_ITEM.match(title, part.end()):
                end = parts[i + 1].start() if i + 1 < len(parts) else len(title)
                break
    stripped = (title[: found.start()] + title[end:]).strip()
    return stripped or title
