"""Words a converter split after their first letter, joined again.

Some PDF-to-Word converters, and some PDFs' own text layers, place each word's first glyph
apart from the rest, so the text reads "Looking f or t he S enior S oftware E ngineer p osition"
and "Skills: J ava, S pring B oot, K ubernetes" is no Java, Spring Boot or Kubernetes to the
taxonomy, the title reader or the model. A few PDFs do it to a handful of words on a line
("an avid golfer, s ports fan, s kier, f itness enthusiast").

Ordinary text has a lone letter beside a word too ("C programming", "Plan B and", "a wide
stack", "I was"), so a line is only mended when it shows the pattern several times, and a
whole document is read as split only when several of its lines are mostly split words.
"""

from __future__ import annotations

import re

# A lone letter (not the words "a" and "I") before three small letters that are no common
# word and could follow it at a word's start: the mark of a split word ("s ports", "J ava",
# "S wift"; not "U of L", "Plan B and", "C programs", "R scripts", "Vitamin D levels").
_SPLIT = re.compile(r"(?<!\S)([B-HJ-Zb-z]) ([a-z]+)")
# Any lone letter before a small letter, "a" and "I" too: how much of a line is split.
_LONE_LETTER = re.compile(r"(?<!\S)[A-Za-z] (?=[a-z])")
# On a line where most words are split, a word of two letters is a letter and a letter ("t o",
# "a s"), and so is a lone letter beside a word ("a s a S oftware" is "as a Software"): these
# are the two-letter words a resume's sentences are made of, to tell them apart.
_TWO_LETTER_WORDS = frozenset(
    {
        "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
        "my", "no", "of", "on", "or", "so", "to", "up", "us", "we",
    }
)  # fmt: skip
# The two consonants an English word may begin with ("Sw", "Th", "Pr"); a vowel before or after
# a consonant begins one anywhere.
_ONSETS = frozenset(
    {
        "bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr", "gh", "gl", "gn", "gr", "kl",
        "kn", "kr", "ph", "pl", "pn", "pr", "ps", "qu", "sc", "sh", "sk", "sl", "sm", "sn",
        "sp", "sq", "st", "sw", "th", "tr", "ts", "tw", "wh", "wr",
    }
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
_COMMON_WORDS = _TWO_LETTER_WORDS | frozenset(
    {
        "and", "the", "for", "was", "are", "but", "not", "you", "all", "any", "can", "had",
        "her", "one", "our", "out", "has", "his", "how", "its", "may", "new", "now", "own",
        "see", "two", "who", "did", "get", "let", "put", "say", "she", "too", "use", "per",
        "via", "etc", "off", "few", "yet",
    }
)  # fmt: skip
# How many split words make a line worth mending on its own, and what share of a line's words
# they must be for the line to read as wholly split.
_MARKS_ON_A_LINE = 3
_SPLIT_SHARE = 0.3
# How many wholly split lines make the whole document split: then its shorter lines ("Maven,
# G radle, G ulp;") are mended too.
_SPLIT_LINES_IN_A_DOCUMENT = 3


def rejoin_split_words(text: str) -> str:
    """`text` with the split words of the lines that show the pattern joined; every other line,
    and a text that shows it nowhere, as it was."""
    lines = text.split("\n")
    marks = [sum(_is_rest(h, r) for h, r in _SPLIT.findall(line)) for line in lines]
    if max(marks, default=0) < _MARKS_ON_A_LINE:
        return text
    wholly = [len(_LONE_LETTER.findall(line)) >= _SPLIT_SHARE * len(line.split()) for line in lines]
    document_split = (
        sum(w and n >= _MARKS_ON_A_LINE for w, n in zip(wholly, marks, strict=True))
        >= _SPLIT_LINES_IN_A_DOCUMENT
    )
    out = []
    for line, n, whole_line in zip(lines, marks, wholly, strict=True):
        if n >= _MARKS_ON_A_LINE or (document_split and n):
            line = _rejoin(line, wholly_split=whole_line or document_split)
        out.append(line)
    return "\n".join(out)


def _is_rest(head: str, letters: str) -> bool:
    """Whether `letters` reads as the rest of a word begun by the lone letter `head`."""
    if len(letters) < 3 or letters in _COMMON_WORDS:
        return False
    start = (head + letters[0]).lower()
    return start[0] in _VOWELS or start[1] in _VOWELS or start in _ONSETS


_LEADING_LETTERS = re.compile(r"[^\W\d_]*")


def _letters(word: str) -> str:
    found = _LEADING_LETTERS.match(word)
    return found[0] if found else ""


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isascii() and word.isalpha()


def _joins(head: str, rest: str, *, wholly_split: bool) -> bool:
    if wholly_split and len(head) == 1 and head.isdigit() and rest[:1].isdigit():
        return True  # "December 2 019"
    if not _is_letter(head) or not rest or not rest[0].isalpha():
        return False
    if rest[0].islower():
        # Where only some words are split, only a long rest is read as one: "U of L" and "Alpha
        # O m icron" (a page that spaced letters apart anywhere) stay as written.
        return wholly_split or _is_rest(head, _letters(rest))
    # "S QL", "J Boss", "D B2": on a wholly split line a capital beside a capitalised word is one
    # word's halves, since that word would otherwise have been split itself.
    return wholly_split and head.isupper()


def _alone_cost(word: str, *, wholly_split: bool) -> float:
    if _is_letter(word):
        # A capital "A" inside a wholly split line is more often a word's first letter ("A PI")
        # than the article, which sentences there write small.
        if word == "A" and wholly_split:
            return 0.3
        return 0.0 if word in "aAI" else 1.0
    if len(word) == 1 and word.isdigit() and wholly_split:
        return 0.3
    # On a wholly split line a small word standing alone has lost its first letter.
    return 0.5 if wholly_split and word[:1].islower() else 0.0


def _join_cost(head: str, rest: str) -> float:
    letters = _letters(rest)
    if head.isdigit() or len(letters) != 1:
        return 0.0
    return 0.0 if (head + letters).lower() in _TWO_LETTER_WORDS else 0.6


def _rejoin(line: str, *, wholly_split: bool) -> str:
    """The line's words read the cheapest way: a lone letter that is no word costs 1, a small word
    without its first letter on a split line 0.5, two letters joined into no two-letter word 0.6.
    Ties keep the words apart."""
    pieces = line.split(" ")
    n = len(pieces)
    best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    for i in range(n - 1, -1, -1):
        choice = (_alone_cost(pieces[i], wholly_split=wholly_split) + best[i + 1][0], 1)
        if i + 1 < n and _joins(pieces[i], pieces[i + 1], wholly_split=wholly_split):
            joined = _join_cost(pieces[i], pieces[i + 1]) + best[i + 2][0]
            if joined < choice[0] - 1e-9:
                choice = (joined, 2)
        best[i] = choice
    words, i = [], 0
    while i < n:
        step = best[i][1]
        words.append("".join(pieces[i : i + step]))
        i += step
    return " ".join(words)
