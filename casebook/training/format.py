"""Training scenarios: the plain-text YAML format trainers write, read into objects.

The format is described for trainers in ``docs/scenario-format.md``. Reading a
file checks everything that can be checked in one node or field (required
fields, types, allowed values, unknown keys) and keeps each node's line number,
so :mod:`.checker` can then check the graph and report every
problem with its file and line at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..taxonomy import SKILLS

TOPICS = ("Open Wi-Fi safety", "Common enquiries", "Success stories")
OUTCOMES = ("good", "mixed", "poor")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"id", "title", "topic", "summary", "minutes", "objectives", "skills", "sources",
             "version", "pass_mark", "allow_back", "start", "nodes", "certainty", "reviewed",
             "nations"}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_NODE_KEYS = {"id", "text", "choices", "ending", "after_red_line"}
_CHOICE_KEYS = {"label", "next", "feedback", "score", "min_score", "max_score", "red_line"}
_ENDING_KEYS = {"title", "text", "outcome"}


@dataclass(frozen=True)
class Issue:
    """One problem in a scenario file, where it is and what is wrong.

    An ``error`` keeps the file out of the catalogue; a ``warning`` is advice to
    the author (the scenario still plays).
    """

    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    line: int = 0


@dataclass(frozen=True)
class Choice:
    label: str
    next: str
    feedback: str
    score: int
    min_score: int | None = None
    max_score: int | None = None
    red_line: str | None = None  # which line choosing this crosses, in one sentence
    line: int = 0

    def available(self, score_so_far: int) -> bool:
        """Whether the learner sees this choice, given the score so far."""
        return ((self.min_score is None or score_so_far >= self.min_score)
                and (self.max_score is None or score_so_far <= self.max_score))


@dataclass(frozen=True)
class Ending:
    title: str
    text: str
    outcome: str


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None
    # An ending shown instead of this one when a red line was crossed on the way.
    after_red_line: str | None = None
    line: int = 0

    def is_best(self, choice: Choice) -> bool:
        """Whether ``choice`` scores the most of this node's choices (several may)."""
        return choice.score == max(c.score for c in self.choices)

@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    topic: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    skills: tuple[str, ...]
    sources: tuple[Source, ...]
    version: int
    pass_mark: int
    allow_back: bool
    start: str
    nodes: dict[str, Node]
    certainty: bool = False  # ask how sure the learner is at every decision (LAPT marks)
    reviewed: str = ""  # the month (YYYY-MM) the facts were last checked against the sources
    nations: str = ""   # where the advice applies, when it differs across the four nations
    path: str = ""
    issues: tuple[Issue, ...] = field(default=(), compare=False)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]


class _Reader:
    """Turns composed YAML nodes into values, noting problems with line numbers."""

    def __init__(self, path: str):
        self.path = path
        self.issues: list[Issue] = []

    def issue(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.issues.append(Issue(self.path, line, message))

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.issue(node, f"{what} must be a mapping of keys to values")
            return {}
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            if name not in allowed:
                self.issue(key, f"{what} has unknown key {name!r}; expected some of: "
                                f"{', '.join(sorted(allowed))}")
            elif name in out:
                self.issue(key, f"{what} has key {name!r} twice")
            out[name] = value
        return out

    def text(self, fields: dict, key: str, where: yaml.Node, what: str) -> str:
        node = fields.get(key)
        if node is None:
            self.issue(where, f"{what} needs {key!r}")
            return ""
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.issue(node, f"{what}: {key!r} must be non-empty text")
            return ""
        return str(node.value).strip()

    def integer(self, fields: dict, key: str, where: yaml.Node, what: str, *,
                required: bool = True) -> int | None:
        node = fields.get(key)
        if node is None:
            if required:
                self.issue(where, f"{what} needs {key!r} (a whole number)")
            return None
        try:
            if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":bool"):
                raise ValueError
            return int(str(node.value))
        except ValueError:
            self.issue(node, f"{what}: {key!r} must be a whole number, found {node.value!r}")
            return None

    def flag(self, fields: dict, key: str, what: str) -> bool:
        node = fields.get(key)
        if node is None:
            return False
        if isinstance(node, yaml.ScalarNode) and node.value in ("true", "false", "yes", "no"):
            return node.value in ("true", "yes")
        self.issue(node, f"{what}: {key!r} must be true or false")
        return False

    def text_list(self, fields: dict, key: str, where: yaml.Node, what: str) -> list[str]:
        node = fields.get(key)
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.issue(node or where, f"{what} needs {key!r}: a list with at least one item")
            return []
        items = []
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and str(item.value).strip():
                items.append(str(item.value).strip())
            else:
                self.issue(item, f"{what}: each of {key!r} must be text")
        return items


def read_scenario(path: Path | str, text: str | None = None) -> Scenario:
    """Read one scenario file. Problems found are in ``scenario.issues`` (none raised)."""
    path = str(path)
    reader = _Reader(path)
    try:
        source = Path(path).read_text(encoding="utf-8") if text is None else text
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return _empty(path, (Issue(path, line, f"malformed YAML: {exc.problem or exc}"),))
    except (OSError, UnicodeDecodeError) as exc:
        return _empty(path, (Issue(path, 1, f"cannot read the file: {exc}"),))
    if root is None:
        return _empty(path, (Issue(path, 1, "the file is empty"),))
    top = reader.mapping(root, "the scenario", _TOP_KEYS)
    what = "the scenario"
    scenario_id = reader.text(top, "id", root, what)
    if scenario_id and not _ID.match(scenario_id):
        reader.issue(top["id"], f"id {scenario_id!r} must be lower-case letters, digits and "
                                "dashes, like 'wifi-banking'")
    topic = reader.text(top, "topic", root, what)
    if topic and topic not in TOPICS:
        reader.issue(top["topic"], f"topic {topic!r} is not one of: {', '.join(TOPICS)}")
    skills = reader.text_list(top, "skills", root, what)
    for skill in skills:
        if skill not in SKILLS:
            reader.issue(top["skills"], f"skill {skill!r} is not one of: {', '.join(SKILLS)}")
    minutes = reader.integer(top, "minutes", root, what)
    if minutes is not None and not 1 <= minutes <= 120:
        reader.issue(top["minutes"], f"minutes is {minutes}; expected 1 to 120")
    version = reader.integer(top, "version", root, what)
    if version is not None and version < 1:
        reader.issue(top["version"], "version must be 1 or more")
    reviewed = reader.text(top, "reviewed", root, what)
    if reviewed and not _MONTH.match(reviewed):
        reader.issue(top["reviewed"], f"reviewed {reviewed!r} must be the month the facts were "
                                      "checked, written like 2026-12")
        reviewed = ""
    nations = reader.text(top, "nations", root, what) if "nations" in top else ""
    nodes = _read_nodes(reader, top.get("nodes"), root)
    start = (reader.text(top, "start", root, what) if "start" in top
             else next(iter(nodes), ""))
    return Scenario(
        id=scenario_id, title=reader.text(top, "title", root, what), topic=topic,
        summary=reader.text(top, "summary", root, what), minutes=minutes or 0,
        objectives=tuple(reader.text_list(top, "objectives", root, what)),
        skills=tuple(skills), sources=tuple(_read_sources(reader, top.get("sources"), root)),
        version=version or 0, pass_mark=reader.integer(top, "pass_mark", root, what) or 0,
        allow_back=reader.flag(top, "allow_back", what), start=start, nodes=nodes,
        certainty=reader.flag(top, "certainty", what), reviewed=reviewed, nations=nations,
        path=path, issues=tuple(reader.issues),
    )


def _empty(path: str, issues: tuple[Issue, ...]) -> Scenario:
    return Scenario("", "", "", "", 0, (), (), (), 0, 0, False, "", {}, path=path,
                    issues=issues)


def _read_sources(reader: _Reader, node: yaml.Node | None, root: yaml.Node) -> list[Source]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.issue(node or root, "the scenario needs 'sources': the public guidance it "
                                   "follows, each with a title and url")
        return []
    sources = []
    for item in node.value:
        fields = reader.mapping(item, "a source", {"title", "url"})
        title = reader.text(fields, "title", item, "a source")
        url = reader.text(fields, "url", item, "a source")
        if url and not url.startswith("https://"):
            reader.issue(fields["url"], f"source url {url!r} must start with https://")
        sources.append(Source(title, url, item.start_mark.line + 1))
    return sources


def _read_nodes(reader: _Reader, node: yaml.Node | None, root: yaml.Node) -> dict[str, Node]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.issue(node or root, "the scenario needs 'nodes': a list of at least one node")
        return {}
    nodes: dict[str, Node] = {}
    for item in node.value:
        fields = reader.mapping(item, "a node", _NODE_KEYS)
        node_id = reader.text(fields, "id", item, "a node")
        what = f"node {node_id!r}" if node_id else "a node"
        line = item.start_mark.line + 1
        if node_id in nodes:
            reader.issue(fields.get("id", item), f"node id {node_id!r} is used twice "
                                                 f"(first on line {nodes[node_id].line})")
            continue
        ending = None
        choices: list[Choice] = []
        if ("choices" in fields) == ("ending" in fields):
            reader.issue(item, f"{what} needs either 'choices' or an 'ending' (one, not both)")
        if "ending" in fields:
            ending = _read_ending(reader, fields["ending"], what)
            text = reader.text(fields, "text", item, what) if "text" in fields else ""
        else:
            text = reader.text(fields, "text", item, what)
        if "choices" in fields:
            choices = _read_choices(reader, fields["choices"], what)
        after = reader.text(fields, "after_red_line", item, what) if "after_red_line" in fields \
            else None
        if after and ending is None:
            reader.issue(fields["after_red_line"], f"{what}: 'after_red_line' belongs on an "
                                                   "ending node")
        nodes[node_id or f"<line {line}>"] = Node(node_id, text, tuple(choices), ending, after,
                                                  line)
    return nodes


def _read_ending(reader: _Reader, node: yaml.Node, what: str) -> Ending:
    fields = reader.mapping(node, f"the ending of {what}", _ENDING_KEYS)
    outcome = reader.text(fields, "outcome", node, f"the ending of {what}")
    if outcome and outcome not in OUTCOMES:
        reader.issue(fields["outcome"], f"outcome {outcome!r} is not one of: "
                                        f"{', '.join(OUTCOMES)}")
    return Ending(reader.text(fields, "title", node, f"the ending of {what}"),
                  reader.text(fields, "text", node, f"the ending of {what}"), outcome)


def _read_choices(reader: _Reader, node: yaml.Node, what: str) -> list[Choice]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.issue(node, f"{what}: 'choices' must be a list with at least one choice")
        return []
    choices = []
    for number, item in enumerate(node.value, start=1):
        fields = reader.mapping(item, f"choice {number} of {what}", _CHOICE_KEYS)
        label = f"choice {number} of {what}"
        if "feedback" not in fields:
            reader.issue(item, f"{label} has no feedback: say why it is right or wrong")
        choices.append(Choice(
            label=reader.text(fields, "label", item, label),
            next=reader.text(fields, "next", item, label),
            feedback=(reader.text(fields, "feedback", item, label)
                      if "feedback" in fields else ""),
            score=reader.integer(fields, "score", item, label) or 0,
            min_score=reader.integer(fields, "min_score", item, label, required=False),
            max_score=reader.integer(fields, "max_score", item, label, required=False),
            red_line=(reader.text(fields, "red_line", item, label) if "red_line" in fields
                      else None),
            line=item.start_mark.line + 1,
        ))
    return choices


# Certainty-based marking, Gardner-Medwin's LAPT scheme: the marks for the best choice
# and for any other, at each level of certainty. Honest doubt costs nothing when wrong;
# confidence pays only when it is deserved.
CERTAINTY: dict[str, tuple[int, int]] = {
    "not sure": (1, 0),
    "fairly sure": (2, -2),
    "very sure": (3, -6),
}


def certainty_marks(best: bool, certainty: str) -> int:
    """The LAPT marks for one answer.

    >>> certainty_marks(True, "very sure"), certainty_marks(False, "very sure")
    (3, -6)
    """
    right, wrong = CERTAINTY[certainty]
    return right if best else wrong
