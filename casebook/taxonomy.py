"""The casebook's controlled vocabularies: the one place their exact strings live.

Kinds say what an entry is; themes say what it is about. Offers are Libraries
Connected's Universal Library Offers; skills are the Essential Digital Skills
framework's headings. Other modules and the apps import these tuples rather than
spelling the strings themselves, so a rename happens here or nowhere.
"""

KINDS: tuple[str, ...] = (
    "challenge",
    "outcome",
    "approach",
    "resource",
    "success_story",
    "enquiry",
    "note",
)

# The first six are the headings network meet-ups already use for their
# takeaways; the rest are what the training content and casebook entries need.
THEMES: tuple[str, ...] = (
    "Capacity",
    "Capability and confidence",
    "Expectations",
    "Security",
    "Booking systems",
    "Communication",
    "Scams and fraud",
    "Devices and data",
    "Accessibility",
    "Health",
    "Benefits and money",
    "Jobs and skills",
    "Promotion",
    "Partnerships",
)

OFFERS: tuple[str, ...] = (
    "Reading",
    "Digital and Information",
    "Culture and Creativity",
    "Health and Wellbeing",
)

SKILLS: tuple[str, ...] = (
    "Foundation skills",
    "Communicating",
    "Handling information and content",
    "Transacting",
    "Problem solving",
    "Being safe and legal online",
)

STATUSES: tuple[str, ...] = ("draft", "published", "archived")

# The words people see for the codes above: in forms, reports, sheets and charts.
KIND_LABELS: dict[str, str] = {
    "challenge": "Challenge",
    "outcome": "Outcome",
    "approach": "What worked",
    "resource": "Resource",
    "success_story": "Success story",
    "enquiry": "Common enquiry",
    "note": "Other note",
}
# Headings over a group of entries of one kind, in the order write-ups put them.
KIND_HEADINGS: dict[str, str] = {
    "challenge": "Challenges",
    "approach": "What worked",
    "outcome": "Outcomes",
    "success_story": "Success stories",
    "resource": "Resources",
    "enquiry": "Common enquiries",
    "note": "Other notes",
}

# Entries carry three multi-valued labels; each facet name maps to its vocabulary.
FACETS: dict[str, tuple[str, ...]] = {
    "theme": THEMES,
    "offer": OFFERS,
    "skill": SKILLS,
}
