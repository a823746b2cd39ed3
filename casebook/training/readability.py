"""How easy a text is to read: the Flesch-Kincaid grade, measured offline.

Training text is for staff and volunteers of every background, many of whom
will pass the advice on to people with low literacy, so the scenarios aim at a
reading age of about 9 to 11. A US grade level plus 5 is roughly a UK reading
age, so that is a grade of about 4 to 6.

Syllables are counted by a rule of thumb (groups of vowels, less a silent
final "e"), which is within one syllable of a dictionary for most everyday
words and needs no download.

>>> round(grade("The customer wants to check her bank account on the library computer. "
...             "Is that safe?"), 1)
4.6
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*]\s")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Estimated syllables in one English word (at least 1)."""
    word = word.lower().replace("’", "'").split("'")[0]
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # a silent final e: "make", "phone"
    if word.endswith(("ed", "es")) and count > 1 and not word.endswith(("ted", "ded", "ses",
                                                                       "zes", "ces", "ges")):
        count -= 1  # "asked", "makes"
    return max(count, 1)


def words_in(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences_in(text: str) -> int:
    parts = [p for p in _SENTENCE_END.split(text) if words_in(p)]
    return max(len(parts), 1)


def grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text`` (0 for text with no words)."""
    found = words_in(text)
    if not found:
        return 0.0
    per_sentence = len(found) / sentences_in(text)
    per_word = sum(syllables(w) for w in found) / len(found)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
