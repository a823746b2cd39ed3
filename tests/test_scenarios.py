"""Scenario files: read, checked with file and line, every problem at once."""

from pathlib import Path

import pytest
import yaml

from casebook.training.checker import best_score, check, check_files
from casebook.training.format import CERTAINTY, certainty_marks, read_scenario

from conftest import run_cli

EXAMPLE = Path(__file__).parent / "data" / "scenarios" / "example.yaml"


def variant(tmp_path, change, name="broken.yaml") -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def messages(path) -> list[str]:
    return [f"{i.line}: {i.message}" for i in check(read_scenario(path))]


def test_the_example_is_valid_and_asks_certainty_throughout():
    scenario = read_scenario(EXAMPLE)
    assert check(scenario) == []
    assert (scenario.id, scenario.version, scenario.pass_mark, scenario.start) == (
        "test-example", 3, 3, "ask")
    assert len(scenario.nodes) == 5 and scenario.certainty
    assert best_score(scenario) == 2 + 2  # points alone: certainty never adds to them
    assert scenario.nodes["good-end"].after_red_line == "risk-end"
    assert scenario.nodes["ask"].choices[2].red_line.startswith("Staff never sign in")


def test_certainty_marks_follow_the_lapt_table():
    assert [certainty_marks(True, c) for c in CERTAINTY] == [1, 2, 3]
    assert [certainty_marks(False, c) for c in CERTAINTY] == [0, -2, -6]


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["nodes"][0]["choices"][0].update(next="nowhere"),
     "goes to 'nowhere', which is not a node"),
    (lambda d: d["nodes"].append({"id": "lonely", "ending": {"title": "t", "text": "t",
                                                             "outcome": "good"}}),
     "node 'lonely' cannot be reached"),
    (lambda d: d["nodes"].insert(2, {"id": "loop", "text": "x", "choices": [
        {"label": "again", "next": "loop", "score": 0, "feedback": "f"}]}) or
     d["nodes"][1]["choices"][1].update(next="loop"), "node 'loop' has no path to an ending"),
    (lambda d: d["nodes"].append(dict(d["nodes"][3])), "node id 'mixed-end' is used twice"),
    (lambda d: d["nodes"][1]["choices"][1].pop("feedback"), "has no feedback"),
    (lambda d: d.update(pass_mark=99), "pass mark 99 is above the best score reachable without "
                                       "crossing a red line (4)"),
    (lambda d: d["nodes"][0]["choices"][1].update(score=-1), "scores -1, below zero, but is "
                                                             "not a red line"),
    (lambda d: d["nodes"][2].pop("after_red_line"), "the success ending 'good-end' can be "
                                                    "reached after a red line"),
    (lambda d: d["nodes"][2].update(after_red_line="good-end"), "names 'good-end', a success "
                                                                "ending"),
    (lambda d: d["nodes"][0].update(certainty=True), "unknown key 'certainty'"),
    (lambda d: [c.update(min_score=50) for c in d["nodes"][1]["choices"][:2]],
     "node 'explain' offers no choice when the score so far is"),
    (lambda d: d.update(topic="Wifi"), "topic 'Wifi' is not one of"),
    (lambda d: d.update(skills=["Typing"]), "skill 'Typing' is not one of"),
    (lambda d: d["nodes"][3]["ending"].update(outcome="great"), "outcome 'great' is not one of"),
    (lambda d: d["nodes"][0].update(feedbak="typo"), "unknown key 'feedbak'"),
    (lambda d: d["sources"][0].update(url="http://insecure.example"), "must start with https"),
    (lambda d: d.update(start="nope"), "start node 'nope' does not exist"),
])
def test_each_problem_is_found(tmp_path, change, expected):
    found = messages(variant(tmp_path, change))
    assert any(expected in m for m in found), found


def test_every_problem_is_listed_at_once_with_lines(tmp_path):
    def break_many(d):
        d["nodes"][0]["choices"][0]["next"] = "nowhere"
        d["nodes"][1]["choices"][1].pop("feedback")
        d["pass_mark"] = 99
    path = variant(tmp_path, break_many)
    found = messages(path)
    assert len(found) >= 3
    text = path.read_text().splitlines()
    line = int(next(m for m in found if "nowhere" in m).split(":")[0])
    assert "label:" in text[line - 1] or "nowhere" in "\n".join(text[line - 1:line + 3])


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nnodes:\n  - id: a\n    text: [unclosed\n")
    (issue,) = check(read_scenario(path))
    assert issue.message.startswith("malformed YAML") and issue.line >= 4


def test_duplicate_scenario_ids_across_files(tmp_path):
    first = variant(tmp_path, lambda d: None, "one.yaml")
    second = variant(tmp_path, lambda d: None, "two.yaml")
    _, issues = check_files([first, second])
    assert [str(i) for i in issues] == [f"{second}:1: scenario id 'test-example' is also "
                                        f"used by {first}"]


def test_cli_check(tmp_path):
    good = run_cli("scenarios", "check", str(EXAMPLE))
    assert good.returncode == 0 and "ok: test-example (5 nodes, best score 4, pass mark 3" \
        in good.stdout
    bad = variant(tmp_path, lambda d: d.update(pass_mark=99))
    result = run_cli("scenarios", "check", str(EXAMPLE), str(bad))
    assert result.returncode == 2
    assert f"{bad}:" in result.stderr and "pass mark 99" in result.stderr
    assert run_cli("scenarios", "check", str(tmp_path / "none")).returncode == 2
