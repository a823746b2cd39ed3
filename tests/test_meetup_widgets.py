"""The meet-up capture widgets, driven in-process against both backends."""

import pytest

from casebook import EntryFilter, add_entry, count_entries, entry_history, get_entry
from widgets.meetup_app import MeetupApp
from widgets.meetup_panel import MeetupPanel
from widgets.state import MeetupState

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'


@pytest.fixture
def app(casebook):
    app = MeetupApp(casebook=casebook)
    app.panel.new_title.value = "Spring network meet-up"
    app.panel.new_host.value = "North network"
    app.panel.create_button.click()
    return app


def texts(panel):
    return [row.children[0].value for row in panel.entry_list.children]


def test_nothing_saves_without_a_meetup(casebook):
    app = MeetupApp(casebook=casebook)
    app.form.text.value = "Too few staff"
    app.form.save_button.click()
    assert "Choose or create a meet-up first" in app.form.messages.value
    assert count_entries(casebook) == 0 and app.form.text.value == "Too few staff"


def test_add_a_takeaway_and_see_it_listed(app, casebook):
    form = app.form
    form.kind.value = "approach"
    form.themes.value = ("Capability and confidence",)
    form.title.value = "Tea and Tech"
    form.text.value = "Weekly drop-in run by volunteers"
    form.author.value = "Facilitator A"
    form.save_button.click()
    (entry,) = app.panel.entries()
    assert (entry.kind, entry.themes, entry.created_by) == (
        "approach", ("Capability and confidence",), "Facilitator A")
    assert entry.meetup_id == app.panel.meetup_id
    assert "Takeaway saved" in form.messages.value
    assert form.text.value == "" and form.author.value == "Facilitator A"
    assert "1 takeaway, newest first" in app.panel.summary.value
    assert "Weekly drop-in run by volunteers" in texts(app.panel)[0]


def test_redaction_is_shown_before_saving_and_needs_confirming(app, casebook):
    form = app.form
    # The form says what to leave out before anyone types, and what happens to the rest.
    assert form.children.index(form.privacy_hint) < form.children.index(form.text)
    assert "leave out customers' names" in form.privacy_hint.value.lower()
    form.text.value = "Mrs Okafor rang from 07700 900123"
    form.save_button.click()
    assert count_entries(casebook) == 0
    assert "<mark>Okafor</mark>" in form.preview.value and "[PHONE]" in form.preview.value
    form.change_button.click()
    assert form.preview.value == "" and form.text.value == "Mrs Okafor rang from 07700 900123"
    form.save_button.click()
    form.confirm_button.click()
    (entry,) = app.panel.entries()
    assert entry.text == "Mrs [NAME] rang from [PHONE]"
    assert entry.redactions == {"NAME": 1, "PHONE": 1}


def test_a_failed_save_keeps_everything_typed(app, casebook):
    form = app.form
    form.title.value = "x" * 250
    form.text.value = "A long title is wrong but this text must survive"
    form.save_button.click()
    assert "Title (optional): has 250 characters" in form.field_messages["title"].value
    assert form.field_messages["text"].value == ""
    assert form.text.value.startswith("A long title") and count_entries(casebook) == 0


def test_edit_and_delete_keep_history(app, casebook):
    app.form.text.value = "First version"
    app.form.save_button.click()
    row = app.panel.entry_list.children[0]
    edit, delete = row.children[1].children
    edit.click()
    assert app.form.text.value == "First version" and "Edit a takeaway" in app.form.heading.value
    assert app.state.editing.text == "First version"
    app.form.text.value = "Second version"
    app.form.save_button.click()
    (entry,) = app.panel.entries()
    assert entry.text == "Second version" and app.state.editing is None
    assert [r.action for r in entry_history(casebook, entry.id)] == ["create", "update"]
    assert app.panel.undo_button.layout.display == "none"
    app.panel.entry_list.children[0].children[1].children[1].click()
    assert app.panel.entries() == [] and get_entry(casebook, entry.id).deleted
    assert app.state.last_deleted.id == entry.id and app.panel.undo_button.layout.display is None
    app.panel.undo_button.click()
    assert app.state.last_deleted is None and app.panel.undo_button.layout.display == "none"
    assert [e.id for e in app.panel.entries()] == [entry.id]
    assert [r.action for r in entry_history(casebook, entry.id)][-2:] == ["delete", "restore"]


def test_another_facilitators_entries_appear_on_refresh(app, casebook):
    other = MeetupPanel(casebook=casebook, state=MeetupState())
    other.picker.value = app.panel.meetup_id
    add_entry(casebook, {"kind": "note", "text": "From room two",
                         "meetup_id": app.panel.meetup_id})
    assert app.panel.refresh() is True
    assert app.panel.refresh() is False  # nothing new: nothing redrawn
    assert other.refresh() is True and "From room two" in texts(other)[0]


def test_markup_in_entries_is_shown_as_text(app, casebook):
    app.form.text.value = HOSTILE
    app.form.save_button.click()
    shown = texts(app.panel)[0]
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "<img" not in shown


def test_import_notes_with_edited_kinds(app, casebook):
    notes = app.notes
    notes.pasted.value = ("Spring\n1 May 2025\n\n## Barriers\n- Capacity: too few staff\n"
                          "- Volunteers: hard to find\n\n## Stories\nA learner found work.\n")
    notes.preview_button.click()
    assert len(notes.drafts) == 3 and notes.save_button.description == "Save all 3 drafts"
    assert [k.value for k in notes.kind_pickers] == ["challenge", "challenge", "success_story"]
    notes.kind_pickers[1].value = "approach"
    notes.theme_pickers[1].value = ("Capacity", "Promotion")
    notes.save_button.click()
    found = {e.text: e for e in app.panel.entries()}
    assert found["hard to find"].kind == "approach"
    assert found["hard to find"].themes == ("Capacity", "Promotion")
    assert count_entries(casebook, EntryFilter(meetup_id=app.panel.meetup_id,
                                               statuses="draft")) == 3


def test_report_downloads(app, casebook):
    app.form.text.value = HOSTILE
    app.form.save_button.click()
    links = app.prepare_report()
    assert 'download="key-takeaways.html"' in links and 'download="key-takeaways.md"' in links


def test_a_meetup_created_elsewhere_appears_without_reloading(casebook):
    from casebook import add_meetup

    early = MeetupPanel(casebook=casebook, state=MeetupState())  # opened before it existed
    meetup = add_meetup(casebook, title="Created in room two", date="2025-06-01")
    early.poll_once()
    assert meetup.id in dict(early.picker.options).values()
    early.picker.value = meetup.id
    add_meetup(casebook, title="Another one", date="2025-06-02")
    early.poll_once()
    assert early.picker.value == meetup.id  # the choice survives the refresh


def test_a_refresh_never_loses_what_is_being_typed(app, casebook):
    from casebook import add_meetup

    app.form.text.value = "Half-typed takeaway"
    add_meetup(casebook, title="Created elsewhere", date="2025-06-03")
    app.panel.poll_once()
    assert app.form.text.value == "Half-typed takeaway"
    assert "Created elsewhere" in str(app.panel.picker.options)


def test_the_state_holds_the_meetup_and_the_picker_shows_it(app, casebook):
    from casebook import add_meetup

    created = app.state.meetup
    assert created.title == "Spring network meet-up"
    assert app.panel.picker.value == created.id
    other = add_meetup(casebook, title="Picked by hand", date="2025-06-04")
    app.panel.poll_once()
    app.form.text.value = "Typed for the first meet-up"
    app.panel.picker.value = other.id  # the facilitator picks another meet-up
    assert app.state.meetup.id == other.id and app.form.text.value == ""
    app.panel.picker.value = None  # a passing value while options change: not a choice
    assert app.state.meetup.id == other.id


def test_editing_ends_when_another_meetup_is_picked(app, casebook):
    from casebook import add_meetup

    app.form.text.value = "To be edited"
    app.form.save_button.click()
    app.panel.entry_list.children[0].children[1].children[0].click()
    assert app.state.editing is not None
    other = add_meetup(casebook, title="Another room", date="2025-06-05")
    app.panel.poll_once()
    app.panel.picker.value = other.id
    assert app.state.editing is None and "Add a takeaway" in app.form.heading.value
