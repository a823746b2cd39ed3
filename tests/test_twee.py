"""Twine stories (Twee 3) converted to scenarios that pass the checker."""

from pathlib import Path

import pytest
import yaml

from casebook.training.checker import best_score, check
from casebook.training.format import read_scenario
from casebook.training.twee import TweeError, clean_text, parse_link, parse_twee, twee_to_yaml

from conftest import run_cli

TWEE = Path(__file__).parent / "data" / "twee"
SCAM = TWEE / "scam-email.twee"


def convert(path: Path, **options):
    """The converted scenario as the app reads it, and its YAML text."""
    text = twee_to_yaml(path.read_text(encoding="utf-8"), **options)
    return read_scenario(f"{path.stem}.yaml", text=text), text


def test_the_scam_story_converts_to_a_valid_scenario():
    scenario, _ = convert(SCAM)
    assert check(scenario) == []
    assert (scenario.id, scenario.title, scenario.topic) == (
        "spot-the-scam-email", "Spot the scam email", "Common enquiries")
    assert scenario.start == "at-the-desk"  # from StoryData, though not the first passage
    assert list(scenario.nodes) == ["at-the-desk", "look-closer", "clicked-the-link",
                                    "brushed-off", "report-the-email-ncsc", "deleted",
                                    "call-the-bank"]  # scripts and stylesheets are left out
    assert scenario.summary == "Mrs Okafor shows you an email on her phone."
    assert (scenario.minutes, scenario.version, scenario.skills) == (3, 1, ("Problem solving",))
    assert scenario.sources[0].url == "https://twinery.org/"


def test_each_link_form_becomes_a_choice_scored_by_the_target_tags():
    nodes = convert(SCAM)[0].nodes
    assert [(c.label, c.next, c.score) for c in nodes["at-the-desk"].choices] == [
        ("Look at the email with her", "look-closer", 3),  # Text->Target, score:3
        ("Click the link for her", "clicked-the-link", 0),  # Text|Target, bad
        ("Say it is probably fine", "brushed-off", 0),  # Target<-Text, bad
    ]
    assert [(c.label, c.next, c.score) for c in nodes["look-closer"].choices] == [
        ("Report the email [NCSC]", "report-the-email-ncsc", 2),  # [[Target]], escaped name
        ("Delete it and forget about it", "deleted", 1),  # end only: the default score
    ]
    # A link inside a sentence keeps its words in the text and starts its label upper-case.
    assert nodes["clicked-the-link"].choices[0].label == "Help her call the bank"
    assert "Now you can help her call the bank before" in nodes["clicked-the-link"].text


def test_feedback_is_the_start_of_the_target_passage():
    nodes = convert(SCAM)[0].nodes
    look, clicked, _ = nodes["at-the-desk"].choices
    assert clicked.feedback.startswith("The page asks for her card number.")
    # The first paragraph is over 200 characters: cut after the last whole sentence.
    assert look.feedback.endswith("says the account closes today.")
    assert len(look.feedback) <= 200 and "PIN" not in look.feedback
    assert all(c.feedback for n in nodes.values() for c in n.choices)


def test_endings_take_their_outcome_from_tags():
    nodes = convert(SCAM)[0].nodes
    endings = {i: (n.ending.title, n.ending.outcome) for i, n in nodes.items() if n.ending}
    assert endings == {"brushed-off": ("Brushed off", "poor"),
                       "report-the-email-ncsc": ("Report the email [NCSC]", "good"),
                       "deleted": ("Deleted", "mixed"), "call-the-bank": ("Call the bank", "mixed")}
    assert nodes["call-the-bank"].ending.text.startswith("She calls the number")


def test_text_loses_its_links_and_spare_blank_lines():
    text = convert(SCAM)[0].nodes["at-the-desk"].text
    assert "[[" not in text and "->" not in text and not text.endswith("\n")
    assert text.endswith("She asks if she should do what it says.")
    assert clean_text("One.\n\n\n[[a]]\n\n\nTwo [[b->c]] three.") == "One.\n\nTwo b three."


def test_pass_mark_is_about_60_percent_of_the_best_score():
    scenario, _ = convert(SCAM)
    assert best_score(scenario) == 5 and scenario.pass_mark == 3


def test_options_set_id_topic_and_pass_mark():
    scenario, _ = convert(SCAM, scenario_id="scam-email", topic="Open Wi-Fi safety", pass_mark=5)
    assert (scenario.id, scenario.topic, scenario.pass_mark) == (
        "scam-email", "Open Wi-Fi safety", 5)
    with pytest.raises(TweeError, match="--pass-mark 6 is above the best reachable score 5"):
        convert(SCAM, pass_mark=6)
    with pytest.raises(TweeError, match="must be lower-case letters"):
        convert(SCAM, scenario_id="Scam Email")


def test_yaml_is_readable_in_the_documented_order():
    _, text = convert(SCAM)
    data = yaml.safe_load(text)
    assert list(data) == ["id", "title", "topic", "summary", "minutes", "objectives", "skills",
                          "sources", "version", "reviewed", "pass_mark", "start", "nodes"]
    assert list(data["nodes"][0]["choices"][0]) == ["label", "next", "score", "feedback"]
    assert "    text: |\n      Mrs Okafor shows you" in text  # multi-line text as a block


@pytest.mark.parametrize("link, expected", [
    ("Target", ("Target", "Target")),
    ("Go on|Target", ("Go on", "Target")),
    ("Go -> on->Target", ("Go -> on", "Target")),  # the rightmost ->
    ("Target<-Go <- on", ("Go <- on", "Target")),  # the leftmost <-
    ("Go on|Target][$seen to true", ("Go on", "Target")),  # SugarCube's setter is dropped
])
def test_link_forms(link, expected):
    assert tuple(vars(parse_link(link)).values()) == expected


def test_header_names_are_unescaped_and_metadata_ignored():
    passages = parse_twee(':: A \\[b\\] \\{c\\} d\\\\e [x y] {"position":"1,2"}\nBody\n\n\n')
    assert [(p.name, p.tags, p.text) for p in passages] == [
        ("A [b] {c} d\\e", ("x", "y"), "Body")]


def test_default_start_colliding_slugs_and_unreached_passages():
    scenario, _ = convert(TWEE / "small.twee", fallback_title="Printer help")
    assert (scenario.id, scenario.start, scenario.pass_mark) == ("printer-help", "start", 3)
    assert [c.next for c in scenario.nodes["start"].choices] == ["ask", "ask-2"]
    assert scenario.nodes["start"].choices[0].score == 4  # score-4
    assert scenario.nodes["ask"].choices[0].feedback == "You chose: Done."  # empty target
    # "Welcome" comes first, but a passage called Start starts: the checker flags the rest.
    assert [i.message for i in check(scenario)] == [
        "node 'welcome' cannot be reached from the start ('start')"]


@pytest.mark.parametrize("name, message", [
    ("not-twee", "not a Twee story: no passage headers"),
    ("missing-link", "line 1: passage 'Start' links to 'Nowhere', which is not a passage"),
    ("no-passages", "the story has no passages"),
    ("bad-storydata", "line 5: StoryData is not valid JSON"),
    ("missing-start", "StoryData names the start passage 'Beginning', which is not a passage"),
])
def test_errors_are_clear(name, message):
    with pytest.raises(TweeError, match=message) as caught:
        convert(TWEE / f"{name}.twee")
    assert "\n" not in str(caught.value)


def test_cli_writes_yaml_and_a_reminder():
    result = run_cli("scenarios", "from-twee", str(SCAM), "--topic", "Open Wi-Fi safety")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert (data["id"], data["topic"], data["pass_mark"]) == (
        "spot-the-scam-email", "Open Wi-Fi safety", 3)
    assert len(result.stderr.splitlines()) == 1
    assert "sources, objectives and reviewed month" in result.stderr


@pytest.mark.parametrize("name", ["not-twee", "missing-link"])
def test_cli_bad_file_fails_with_one_line(name):
    result = run_cli("scenarios", "from-twee", str(TWEE / f"{name}.twee"))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("casebook scenarios: ")


def test_cli_not_utf8_fails_with_one_line(tmp_path):
    path = tmp_path / "story.twee"
    path.write_bytes(b":: Start\n\xff\xfe caf\xe9\n")
    result = run_cli("scenarios", "from-twee", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().endswith("is not UTF-8 text, so not a Twee story")


def test_round_trip_through_the_checker(tmp_path):
    converted = run_cli("scenarios", "from-twee", str(SCAM), check=True)
    path = tmp_path / "scam.yaml"
    path.write_text(converted.stdout, encoding="utf-8")
    checked = run_cli("scenarios", "check", str(path))
    # The placeholder source is refused until the trainer cites real guidance ...
    assert checked.returncode == 2
    assert "source 'https://twinery.org/' is not on a public guidance site" in checked.stderr
    path.write_text(converted.stdout.replace("https://twinery.org/",
                                             "https://www.ncsc.gov.uk/collection/phishing-scams"),
                    encoding="utf-8")
    checked = run_cli("scenarios", "check", str(path))  # ... then the story passes as it is
    assert checked.returncode == 0, checked.stderr
    assert "ok: spot-the-scam-email (7 nodes, best score 5, pass mark 3;" in checked.stdout


def test_topic_hints_from_story_data_or_a_tag():
    story = ':: StoryData\n{"topic": "Success stories"}\n\n:: Start [topic:open-wi-fi-safety]\n'
    assert yaml.safe_load(twee_to_yaml(story))["topic"] == "Success stories"
    assert yaml.safe_load(twee_to_yaml(story.replace('"topic"', '"x"')))["topic"] == \
        "Open Wi-Fi safety"
    with pytest.raises(TweeError, match="topic 'Fun' is not one of"):
        twee_to_yaml(story.replace("Success stories", "Fun"))


def test_a_link_into_a_red_line_passage_crosses_a_red_line():
    source = (":: Start\nPat reads out a code. [[Stop Pat->Safe]] or [[Type it->Typed]]\n\n"
              ":: Safe [good]\nPat types the code alone. [[Finish]]\n\n"
              ":: Typed [red-line]\nStaff never type a customer's code. Pat's account is at "
              "risk. [[Finish]]\n\n:: Finish [mixed]\nPat goes home.\n")
    scenario = yaml.safe_load(twee_to_yaml(source))
    start = next(n for n in scenario["nodes"] if n["id"] == "start")
    typed = next(c for c in start["choices"] if c["label"] == "Type it")
    assert typed["red_line"] == "Staff never type a customer's code."
    assert typed["score"] <= 0
    assert "red_line" not in next(c for c in start["choices"] if c["label"] == "Stop Pat")
