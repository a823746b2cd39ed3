"""Resources that library staff recommend to each other, recognised by name in text.

Recognised resources are stored with an entry (as labels of the facet
``resource``) so reports can list what a meet-up mentioned and dashboards can
rank what the network cites most. Names are the resources' own; aliases are
the other ways people write them.
"""

from __future__ import annotations

import re

# Canonical name -> other spellings. Longer names are tried first, so
# "National Device Bank" is not also counted as "Device Bank".
KNOWN_RESOURCES: dict[str, tuple[str, ...]] = {
    "Learn My Way": (),
    "National Databank": ("Databank", "Data Bank"),
    "National Device Bank": ("Device Bank",),
    "NHS App": ("NHS app",),
    "Ofcom": (),
    "Social tariffs": ("social tariff",),
    "Cisco Networking Academy": ("NetAcad", "Cisco"),
    "Citizens Online": (),
    "Citizens Advice": (),
    "Lloyds Bank Academy": (),
    "Digital Unite": ("Digital Champions Network",),
    "Good Things Foundation": ("Good Things",),
    "Make It Click": (),
    "AbilityNet": (),
    "Age UK": (),
    "Action Fraud": (),
    "GOV.UK": ("gov.uk",),
    "Get Online Week": (),
    "BBC Bitesize": (),
    "Google Digital Garage": (),
}

_PATTERNS: list[tuple[str, re.Pattern]] = sorted(
    (
        (name, re.compile(r"(?<![\w.])" + re.escape(spelling) + r"(?![\w])", re.IGNORECASE))
        for name, aliases in KNOWN_RESOURCES.items()
        for spelling in (name, *aliases)
    ),
    key=lambda pair: -len(pair[1].pattern),
)


def recognise_resources(*texts: str | None) -> list[str]:
    """The known resources named in the texts, in the order of KNOWN_RESOURCES.

    >>> recognise_resources("We use Learn My Way and the Databank SIMs")
    ['Learn My Way', 'National Databank']
    """
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        claimed: list[tuple[int, int]] = []
        for name, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                start, end = match.span()
                if not any(start < b and a < end for a, b in claimed):
                    claimed.append((start, end))
                    found.add(name)
    return [name for name in KNOWN_RESOURCES if name in found]
