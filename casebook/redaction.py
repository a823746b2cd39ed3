"""Finds personal data in free text and replaces it with typed placeholders.

The casebook is shared across library services, so nothing that identifies a
member of the public may be stored. Each detector looks for one kind of data
in its common UK spellings and, where the format has one, checks the check
digit (NHS numbers: modulus 11; card numbers: Luhn), so that ordinary numbers
(years, counts, times, PC and ticket numbers) are left alone. Phone numbers
are found by ``phonenumbers``, Google's maintained library. Names are only
taken where a cue makes them reliable: after a title ("Mrs Okafor") or after
"called"/"named" about a person, or "my name is".

>>> redact("Mrs Okafor (07700 900123) wants help with the NHS App").text
'Mrs [NAME] ([PHONE]) wants help with the NHS App'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import phonenumbers

EMAIL = "EMAIL"
PHONE = "PHONE"
POSTCODE = "POSTCODE"
NI_NUMBER = "NI NUMBER"
NHS_NUMBER = "NHS NUMBER"
CARD_NUMBER = "CARD NUMBER"
BANK_ACCOUNT = "BANK ACCOUNT"
DATE_OF_BIRTH = "DATE OF BIRTH"
NAME = "NAME"
KINDS = (EMAIL, PHONE, POSTCODE, NI_NUMBER, NHS_NUMBER, CARD_NUMBER, BANK_ACCOUNT,
         DATE_OF_BIRTH, NAME)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it is in the text."""

    kind: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        return f"[{self.kind}]"


@dataclass(frozen=True)
class Redacted:
    """The cleaned text, what was found (positions in the original), and counts per kind."""

    text: str
    findings: tuple[Finding, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.findings)


# --- detectors: each yields (start, end) spans of one kind -----------------------

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")

# Royal Mail's postcode shapes: A9, A99, AA9, AA99, A9A, AA9A then 9AA, with the
# letters each position can never hold left out (so "PC12 3AB"-like slips are rare).
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

_NI_CUE = r"(?:national insurance|NI|NINO|N\.I\.)(?:\s+(?:number|no\.?))?\s*(?:is|:)?\s*"
_NI_BODY = (r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r"\s?\d{2}\s?\d{2}\s?\d{2}")
_NI_WITH_SUFFIX = re.compile(rf"\b{_NI_BODY}\s?[A-D]\b", re.IGNORECASE)
# Without its final letter an NI number looks like many reference numbers: only
# take it when the text says it is one.
_NI_CUED = re.compile(rf"\b{_NI_CUE}({_NI_BODY})\b", re.IGNORECASE)

_TEN_DIGITS = re.compile(r"(?<![\d-])([1-9]\d{2})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")

_SORT_CODE = re.compile(r"\b(?:sort[ -]?code)\s*(?:is|:)?\s*(\d{2}[- ]?\d{2}[- ]?\d{2})\b",
                        re.IGNORECASE)
_ACCOUNT = re.compile(r"\b(?:account(?:\s+(?:number|no\.?))?|a/c(?:\s+no\.?)?)\s*(?:is|:)?\s*"
                      r"(\d{8})\b", re.IGNORECASE)

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
           r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_DAY}[/.-][01]?\d[/.-](?:\d{{4}}|\d{{2}})"
         rf"|{_DAY}\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}"
         rf"|{_MONTHS}\.?\s+{_DAY},?\s+\d{{4}})")
_DOB = re.compile(
    rf"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birthday(?:\s+is)?)\s*(?:is|was|:|-)?"
    rf"\s*({_DATE})",
    re.IGNORECASE,
)

# Smith, O'Neill, McDonald, Smith-Jones; an apostrophe-s after a name stays outside it.
_NAME_WORD = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*"
_TITLE_NAME = re.compile(
    rf"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?\s+"
    rf"((?:[A-Z]\.?\s+){{0,2}}{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
# Case-insensitive, since a note may start with one: "Lady called Gwen Hale came in".
_PERSON = (r"(?i:man|woman|lady|gentleman|gent|chap|guy|girl|boy|person|someone|somebody"
           r"|customer|learner|client|user|resident|visitor|member|volunteer|carer|neighbour"
           r"|friend|son|daughter|husband|wife|partner|mum|dad|mother|father|grandson"
           r"|granddaughter|grandmother|grandfather|nan|brother|sister|student|patron)")
_CALLED_NAME = re.compile(
    rf"\b{_PERSON}\s+(?:who\s+is\s+|who\s+was\s+)?(?:called|named)\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_NAME_IS = re.compile(
    rf"\b(?:[Mm]y|[Hh]er|[Hh]is|[Tt]heir)\s+name\s+(?:is|was)\s+({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
# Capitalised words a "called"/"name is" cue may be followed by that are never a person.
_NOT_NAMES = {"The", "A", "An", "Learn", "My", "Way", "Tea", "Digital", "Universal", "Credit",
              "NHS", "Citizens", "Advice", "Good", "Things", "Foundation", "Device", "Bank",
              "Databank", "National", "Google", "Microsoft", "Windows", "Apple", "Android"}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def nhs_number_is_valid(number: str) -> bool:
    """Modulus 11 check on a 10-digit NHS number (spaces and dashes ignored)."""
    digits = _digits(number)
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def luhn_is_valid(number: str) -> bool:
    """The Luhn check every payment card number passes."""
    digits = [int(d) for d in _digits(number)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _spans(pattern: re.Pattern, text: str, group: int = 0) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(text):
        yield match.span(group)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    return _spans(_EMAIL, text)


def _nhs_numbers(text: str) -> Iterator[tuple[int, int]]:
    for match in _TEN_DIGITS.finditer(text):
        if nhs_number_is_valid(match.group()):
            yield match.span()


def _cards(text: str) -> Iterator[tuple[int, int]]:
    for match in _CARD.finditer(text):
        digits = _digits(match.group())
        if 13 <= len(digits) <= 19 and luhn_is_valid(digits) and len(set(digits)) > 1:
            yield match.span()


def _bank_accounts(text: str) -> Iterator[tuple[int, int]]:
    yield from _spans(_SORT_CODE, text, 1)
    yield from _spans(_ACCOUNT, text, 1)


def _ni_numbers(text: str) -> Iterator[tuple[int, int]]:
    yield from _spans(_NI_WITH_SUFFIX, text)
    yield from _spans(_NI_CUED, text, 1)


def _phones(text: str) -> Iterator[tuple[int, int]]:
    # POSSIBLE rather than VALID: numbers in Ofcom's ranges kept for drama and
    # training (07700 900xxx) are real in shape but not "valid" to the library.
    # The shape gate below does the filtering that VALID would have done.
    for match in phonenumbers.PhoneNumberMatcher(text, "GB",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        if _looks_like_phone(raw, match.number):
            # "(07700 900123)": the matcher takes the opening bracket but not the
            # closing one; leave both in the text so the brackets stay balanced.
            unbalanced = raw.startswith("(") and ")" not in raw
            yield match.start + unbalanced, match.end


def _looks_like_phone(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """A UK number dialled from home (0 + 9 or 10 digits) or any number written with +."""
    raw = raw.lstrip("(")
    national = len(str(number.national_number))
    if raw.startswith("+"):
        return phonenumbers.is_possible_number(number) and national >= 7
    return raw.startswith("0") and number.country_code == 44 and national in (9, 10)


def _postcodes(text: str) -> Iterator[tuple[int, int]]:
    return _spans(_POSTCODE, text)


def _dates_of_birth(text: str) -> Iterator[tuple[int, int]]:
    return _spans(_DOB, text, 1)


def _names(text: str) -> Iterator[tuple[int, int]]:
    yield from _spans(_TITLE_NAME, text, 1)
    for pattern in (_CALLED_NAME, _NAME_IS):
        for match in pattern.finditer(text):
            words = match.group(1).split()
            if words[0] not in _NOT_NAMES:
                yield match.span(1)


# Order matters where formats overlap: the stricter, checked formats claim their
# digits first, so a Luhn-valid card is never half-taken as a phone number.
DETECTORS: tuple[tuple[str, Callable[[str], Iterator[tuple[int, int]]]], ...] = (
    (EMAIL, _emails),
    (DATE_OF_BIRTH, _dates_of_birth),
    (NHS_NUMBER, _nhs_numbers),
    (CARD_NUMBER, _cards),
    (BANK_ACCOUNT, _bank_accounts),
    (NI_NUMBER, _ni_numbers),
    (PHONE, _phones),
    (POSTCODE, _postcodes),
    (NAME, _names),
)


def find_personal_data(text: str) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, none overlapping."""
    taken: list[Finding] = []
    for kind, detector in DETECTORS:
        for start, end in detector(text):
            if not any(start < f.end and f.start < end for f in taken):
                taken.append(Finding(kind, start, end))
    return sorted(taken, key=lambda f: f.start)


def redact(text: str) -> Redacted:
    """Replace personal data in ``text`` with placeholders such as ``[PHONE]``."""
    if not text:
        return Redacted(text)
    findings = find_personal_data(text)
    pieces, last = [], 0
    for finding in findings:
        pieces.append(text[last:finding.start])
        pieces.append(finding.placeholder)
        last = finding.end
    pieces.append(text[last:])
    counts = dict(Counter(f.kind for f in findings))
    return Redacted("".join(pieces), tuple(findings), counts)


def merge_counts(*counts: dict[str, int]) -> dict[str, int]:
    """Add up the counts from several redactions (an entry's title and its text)."""
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items()))
