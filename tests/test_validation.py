"""Entry validation: every problem reported at once, nothing written when wrong."""

import pytest

from casebook import EntryFilter, ValidationError, add_entry, count_entries, get_entry
from casebook.taxonomy import KINDS, OFFERS, SKILLS, THEMES
from casebook.validation import TEXT_MAX, clean_entry


def problems_of(data: dict, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        clean_entry(data, **kwargs)
    return {p.field: p.code for p in caught.value.problems}


def test_taxonomy_has_the_strings_the_design_names():
    assert set(KINDS) == {"challenge", "outcome", "approach", "resource", "success_story",
                          "enquiry", "note"}
    seeds = {"Capacity", "Capability and confidence", "Expectations", "Security",
             "Booking systems", "Communication"}
    assert seeds | {"Scams and fraud", "Devices and data", "Accessibility", "Health",
                    "Benefits and money", "Jobs and skills", "Promotion"} <= set(THEMES)
    assert OFFERS == ("Reading", "Digital and Information", "Culture and Creativity",
                      "Health and Wellbeing")
    assert "Being safe and legal online" in SKILLS and len(SKILLS) == 6


def test_every_problem_is_collected_before_raising():
    found = problems_of({"kind": "challeng", "text": "   ", "themes": ["Securty"],
                         "offers": ["Books"], "skills": ["Typing"], "title": "x" * 201,
                         "colour": "red"})
    assert found == {"kind": "unknown", "text": "required", "themes": "unknown",
                     "offers": "unknown", "skills": "unknown", "title": "too_long",
                     "colour": "unknown_field"}


def test_messages_name_what_was_found_and_what_is_allowed():
    with pytest.raises(ValidationError) as caught:
        clean_entry({"kind": "note", "text": "x", "themes": ["Securty"]})
    message = str(caught.value)
    assert "'Securty'" in message and "Capacity" in message and "Security" in message


@pytest.mark.parametrize("text, code", [
    ("", "required"),
    (" \n\t ", "required"),
    ("x" * (TEXT_MAX + 1), "too_long"),
    ("bell\x07", "control_character"),
    ("nul\x00byte", "control_character"),
    ("esc\x1b[31m", "control_character"),
    ("c1\x85inside", "control_character"),
])
def test_bad_text_is_refused(text, code):
    assert problems_of({"kind": "note", "text": text}) == {"text": code}


def test_limits_are_inclusive_and_text_is_trimmed():
    cleaned = clean_entry({"kind": "note", "text": "  " + "x" * TEXT_MAX + "\n",
                           "title": "t" * 200})
    assert len(cleaned["text"]) == TEXT_MAX
    assert clean_entry({"kind": "note", "text": "a\tb\nc"})["text"] == "a\tb\nc"


def test_labels_are_deduplicated_and_kept_in_taxonomy_order():
    cleaned = clean_entry({"kind": "note", "text": "x",
                           "themes": ["Security", "Capacity", "Security"]})
    assert cleaned["themes"] == ["Capacity", "Security"]


def test_aliases_match_the_cli_flags():
    cleaned = clean_entry({"kind": "note", "text": "x", "service": "Leeds Libraries",
                           "by": "Sam", "theme": "Health"})
    assert cleaned["library_service"] == "Leeds Libraries"
    assert cleaned["created_by"] == "Sam" and cleaned["themes"] == ["Health"]


def test_filter_values_are_checked_against_the_taxonomy():
    with pytest.raises(ValidationError, match="'Helth' is not one of"):
        EntryFilter(themes=["Helth"])


UNICODE_TEXTS = [
    "Mae'r llyfrgell ar agor: ŵ ŷ â ê î ô û",  # Welsh
    "مرحبا بكم في المكتبة",  # right-to-left Arabic
    "Loved the session 🙂👍🏽 — thanks!",  # emoji with skin tone modifier
    "e\u0301 combining accent kept as two code points",
    "zero\u200bwidth space and \u202eRTL override stay as given",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_unicode_is_stored_exactly(casebook, text):
    entry = add_entry(casebook, {"kind": "note", "text": text, "title": text[:20]})
    stored = get_entry(casebook, entry.id)
    assert stored.text == text and stored.title == text[:20].strip()


def test_nothing_is_written_when_anything_is_wrong(casebook):
    add_entry(casebook, {"kind": "note", "text": "fine"})
    with pytest.raises(ValidationError):
        add_entry(casebook, {"kind": "note", "text": "fine", "themes": ["Nope"]})
    with pytest.raises(ValidationError, match="no meet-up has id"):
        add_entry(casebook, {"kind": "note", "text": "x",
                             "meetup_id": "7b0f3d0e-2a8e-4a51-9a55-2b1f2f0c9d11"})
    assert count_entries(casebook) == 1
