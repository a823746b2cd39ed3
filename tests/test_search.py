"""Full-text search: one function, both backends, best matches first, filters honoured."""

import pytest

from casebook import EntryFilter, ValidationError, add_entry, delete_entry, search, update_entry
from casebook.search import query_terms


@pytest.fixture
def filled(casebook):
    add = lambda **data: add_entry(casebook, data)  # noqa: E731
    return {
        "title_hit": add(kind="challenge", title="Banking on open Wi-Fi",
                         text="A customer wanted to check their account.", themes=["Security"],
                         library_service="Leeds Libraries"),
        "text_hit": add(kind="enquiry", title="Busy desk",
                        text="Someone asked about banking while on the library wifi.",
                        themes=["Security", "Benefits and money"],
                        library_service="York Libraries"),
        "other": add(kind="approach", title="Tea and Tech",
                     text="Weekly drop-in sessions run by volunteers.",
                     themes=["Capability and confidence"], library_service="York Libraries"),
        "welsh": add(kind="note", text="Sesiwn galw heibio ŵ ŷ yn y llyfrgell"),
    }


def ids(hits):
    return [h.entry.id for h in hits]


def test_title_matches_rank_above_text_matches(casebook, filled):
    hits = search(casebook, "banking")
    assert ids(hits) == [filled["title_hit"].id, filled["text_hit"].id]
    assert hits[0].score >= hits[1].score


def test_every_word_must_appear_and_stemming_applies(casebook, filled):
    assert ids(search(casebook, "volunteer session")) == [filled["other"].id]
    assert search(casebook, "volunteers mortgage") == []


def test_wifi_matches_every_spelling(casebook, filled):
    expected = {filled["title_hit"].id, filled["text_hit"].id}
    for spelling in ("wifi", "Wi-Fi", "WIFI", "wi-fi"):
        assert set(ids(search(casebook, spelling))) == expected, spelling


def test_filters_combine_with_search(casebook, filled):
    assert ids(search(casebook, "banking", EntryFilter(kinds="enquiry"))) == [
        filled["text_hit"].id]
    assert ids(search(casebook, "banking", EntryFilter(services="Leeds Libraries"))) == [
        filled["title_hit"].id]
    assert ids(search(casebook, "banking", EntryFilter(themes="Benefits and money"))) == [
        filled["text_hit"].id]
    assert search(casebook, "banking", EntryFilter(since=filled["other"].created_at.date()
                                                   .replace(year=2100))) == []


def test_search_operators_in_the_query_are_plain_words(casebook, filled):
    for query in ('banking AND', 'banking OR NOT', 'the banking', '"banking', 'banking*',
                  "banking:*", "banking & !()", "(banking)", "banking -", "{banking}^"):
        assert filled["title_hit"].id in ids(search(casebook, query)), query
    assert search(casebook, "banking'; DROP TABLE entries; --") == []
    assert len(search(casebook, "banking")) == 2


def test_deleted_and_changed_entries_are_reindexed(casebook, filled):
    delete_entry(casebook, filled["title_hit"].id)
    assert ids(search(casebook, "banking")) == [filled["text_hit"].id]
    update_entry(casebook, filled["text_hit"].id, {"text": "Now about libraries and loans."})
    assert search(casebook, "banking") == []
    assert ids(search(casebook, "loans")) == [filled["text_hit"].id]


def test_unicode_words_are_searchable(casebook, filled):
    assert ids(search(casebook, "llyfrgell")) == [filled["welsh"].id]


def test_limit_and_empty_queries(casebook, filled):
    assert len(search(casebook, "banking", limit=1)) == 1
    with pytest.raises(ValidationError, match="no words"):
        search(casebook, " ?! ")
    with pytest.raises(ValidationError, match="no words"):
        search(casebook, "and the of")
    with pytest.raises(ValidationError, match="limit"):
        search(casebook, "banking", limit=0)


def test_query_terms():
    assert query_terms("Drop-in e-mail") == [("drop in", "dropin"), ("e mail", "email")]
    assert query_terms("email") == [("email", "e mail")]
