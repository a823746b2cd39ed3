"""What a scenario says and cites: public guidance only, a recent review, plain English."""

import datetime
from pathlib import Path

import pytest
import yaml

from casebook.errors import CasebookError
from casebook.training.catalogue import load_catalogue
from casebook.training.checker import check_files
from casebook.training.content_rules import MAX_LABEL_WORDS, GuidanceSites, read_guidance_sites

from conftest import run_cli

EXAMPLE = Path(__file__).parent / "data" / "scenarios" / "example.yaml"
NOVEMBER = datetime.date(2026, 11, 20)


def variant(tmp_path, change, name="scenario.yaml") -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems(path, *, today=NOVEMBER, sites=None, severity="error") -> list[str]:
    _, issues = check_files([path], sites, today)
    return [i.message for i in issues if i.severity == severity]


def cite(url):
    return lambda d: d.update(sources=[{"title": "A page", "url": url}])


def test_the_example_passes_every_content_rule():
    assert problems(EXAMPLE) == [] and problems(EXAMPLE, severity="warning") == []


@pytest.mark.parametrize("url", [
    "https://www.ncsc.gov.uk/guidance/x", "https://www.gov.uk/apply-blue-badge",
    "https://www.kingston.gov.uk/x", "https://digital.nhs.uk/services/nhs-app",
    "https://www.CitizensAdvice.org.uk/debt", "https://www.reportfraud.police.uk/"])
def test_public_guidance_sites_and_their_parts_are_allowed(tmp_path, url):
    assert problems(variant(tmp_path, cite(url))) == []


@pytest.mark.parametrize("url", [
    "https://www.barclays.co.uk/security/", "https://www.which.co.uk/scams",
    "https://www.wired-gov.net/wg/news.nsf/copy-of-an-ncsc-page",
    "https://gov.uk.example.com/looks-official", "https://notgov.uk/", "https://www.nhs.uk.evil.com/"])
def test_a_bank_a_magazine_a_copy_or_a_lookalike_is_refused(tmp_path, url):
    (message,) = problems(variant(tmp_path, cite(url)))
    assert message.startswith(f"source {url!r} is not on a public guidance site")
    assert "guidance_sites.yaml" in message


def test_a_librarys_own_list_of_sites_is_used_instead(tmp_path):
    local = tmp_path / "sites.yaml"
    local.write_text("sites:\n  ourlibrary.org.uk: Our library service\n")
    path = variant(tmp_path, cite("https://www.ourlibrary.org.uk/wifi"))
    assert problems(path) != []
    assert problems(path, sites=read_guidance_sites(local)) == []
    result = run_cli("scenarios", "check", "--guidance-sites", str(local), str(path))
    assert result.returncode == 0, result.stderr
    assert run_cli("scenarios", "check", str(path)).returncode == 2


@pytest.mark.parametrize("text, expected", [
    ("sites: []\n", "is not a list of guidance sites"),
    ("- gov.uk\n", "is not a list of guidance sites"),
    ("sites:\n  https://gov.uk/x: GOV.UK\n", "is not a list of guidance sites"),
    ("sites: [unclosed\n", "cannot read the list of guidance sites"),
])
def test_a_broken_list_of_sites_is_explained(tmp_path, text, expected):
    local = tmp_path / "sites.yaml"
    local.write_text(text)
    with pytest.raises(CasebookError, match=expected):
        read_guidance_sites(local)
    result = run_cli("scenarios", "check", "--guidance-sites", str(local), str(EXAMPLE))
    assert result.returncode == 2 and expected in result.stderr


def test_the_catalogue_leaves_out_a_scenario_citing_a_bank(tmp_path, monkeypatch):
    folder = tmp_path / "ours"
    folder.mkdir()
    variant(folder, lambda d: (cite("https://www.barclays.co.uk/")(d), d.update(id="ours")))
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(folder))
    catalogue = load_catalogue()
    assert "ours" not in [s.id for s in catalogue.scenarios]
    assert any("not on a public guidance site" in i.message for i in catalogue.issues)


def test_the_reviewed_month_is_required_and_well_formed(tmp_path):
    assert any("needs 'reviewed'" in m for m in problems(variant(tmp_path,
                                                                 lambda d: d.pop("reviewed"))))
    assert any("must be the month the facts were checked, written like 2026-12" in m
               for m in problems(variant(tmp_path, lambda d: d.update(reviewed="Nov 2026"))))
    assert any("written like" in m
               for m in problems(variant(tmp_path, lambda d: d.update(reviewed="2026-13"))))


def test_a_review_in_the_future_is_an_error_and_an_old_one_a_warning(tmp_path):
    future = variant(tmp_path, lambda d: d.update(reviewed="2026-12"))
    assert problems(future) == ["reviewed 2026-12 is in the future: give the month the facts "
                                "were checked"]
    assert problems(future, today=datetime.date(2026, 12, 1)) == []
    a_year = variant(tmp_path, lambda d: d.update(reviewed="2025-11"))
    assert problems(a_year) == [] and problems(a_year, severity="warning") == []
    stale = variant(tmp_path, lambda d: d.update(reviewed="2025-10"))
    assert problems(stale) == []  # advice: the scenario still plays
    assert problems(stale, severity="warning") == [
        "reviewed 2025-10, 13 months ago: check the facts against each source again and "
        "update 'reviewed'"]


HARD = ("Notwithstanding considerable organisational complexity, authentication "
        "methodologies necessitate comprehensive understanding of multifactor verification "
        "infrastructure requirements.")


def test_a_hard_text_is_named_where_it_is(tmp_path):
    path = variant(tmp_path, lambda d: d["nodes"][1]["choices"][0].update(feedback=HARD))
    found = problems(path)
    assert any(m.startswith("the feedback for ") and "is hard to read (grade" in m
               for m in found), found
    _, issues = check_files([path], None, NOVEMBER)
    line = next(i.line for i in issues if "feedback for" in i.message)
    assert "label:" in path.read_text().splitlines()[line - 1]


def test_choice_labels_are_plain_and_short_too(tmp_path):
    hard_label = variant(tmp_path, lambda d: d["nodes"][0]["choices"][1].update(label=HARD))
    assert any(m.startswith("the choice 'Notwithstanding") and "hard to read" in m
               for m in problems(hard_label))
    long = " ".join(["Say"] + ["yes"] * MAX_LABEL_WORDS) + "."
    long_label = variant(tmp_path, lambda d: d["nodes"][0]["choices"][1].update(label=long))
    assert any(f"has more than {MAX_LABEL_WORDS} words" in m for m in problems(long_label))


def test_the_average_is_checked_as_well_as_each_text(tmp_path):
    # Each text just under the limit for one text, so only the average is too hard.
    fairly_hard = ("Call the bank on the number on the back of your card, and tell them about "
                   "the unexpected message.")  # grade 7.4: fine once, too hard throughout
    def change(d):
        for node in d["nodes"]:
            node["text"] = fairly_hard
            for choice in node.get("choices", []):
                choice["feedback"] = fairly_hard
            if "ending" in node:
                node["ending"]["text"] = fairly_hard
    found = problems(variant(tmp_path, change))
    assert [m for m in found if "hard to read" in m] == [
        m for m in found if m.startswith("the texts are hard to read on average (grade 6.9")], found
    assert found


def test_sites_match_whole_names_only():
    sites = GuidanceSites({"gov.uk": "GOV.UK"}, "test")
    assert sites.allows("https://www.gov.uk/x") and sites.allows("https://gov.uk")
    assert not sites.allows("https://evilgov.uk/") and not sites.allows("not a url")


def test_a_refused_source_is_reported_at_its_own_line(tmp_path):
    path = variant(tmp_path, cite("https://www.which.co.uk/"))
    _, issues = check_files([path], None, NOVEMBER)
    (issue,) = [i for i in issues if "not on a public guidance site" in i.message]
    assert "https://www.which.co.uk/" in path.read_text().splitlines()[issue.line - 1] + \
        path.read_text().splitlines()[issue.line]


def test_the_review_table_lists_each_scenario_with_its_organisations(tmp_path):
    nation = variant(tmp_path, lambda d: d.update(
        id="nation-note", nations="England only | Wales differs.", sources=[
            {"title": "Blue Badge", "url": "https://www.gov.uk/apply-blue-badge"},
            {"title": "Passwords", "url": "https://www.ncsc.gov.uk/collection/passwords"}]),
        "nation.yaml")
    result = run_cli("scenarios", "list", str(EXAMPLE), str(nation))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("| Scenario | Topic | Skills | Sources | Red lines | Where it applies "
                        "| Reviewed |")
    assert len(lines) == 4  # headings, rule, two scenarios
    assert ("| `nation-note` Is the library Wi-Fi safe? | Open Wi-Fi safety | Being safe and "
            "legal online | [GOV.UK](https://www.gov.uk/apply-blue-badge), "
            "[NCSC](https://www.ncsc.gov.uk/collection/passwords) | 1 | England only \\| Wales "
            "differs. | 2026-11 |") in lines
    assert any(line.startswith("| `test-example`") and "| UK-wide |" in line for line in lines)
    broken = variant(tmp_path, cite("https://www.which.co.uk/"), "broken.yaml")
    result = run_cli("scenarios", "list", str(broken))
    assert result.returncode == 2 and "not on a public guidance site" in result.stderr


def test_a_council_or_force_is_named_by_its_own_site_not_as_gov_uk():
    sites = read_guidance_sites()
    assert sites.organisation("https://www.gov.uk/apply-blue-badge") == "GOV.UK"
    assert sites.organisation("https://www.ncsc.gov.uk/x") == "NCSC"
    assert sites.organisation("https://www.cambridgeshire.gov.uk/news") == "cambridgeshire.gov.uk"
    assert sites.organisation("https://kent.police.uk/advice") == "kent.police.uk"
    assert sites.organisation("https://www.reportfraud.police.uk/") == "Report Fraud"


def test_a_broken_list_named_in_the_environment_is_reported_and_ours_used(tmp_path,
                                                                          monkeypatch):
    local = tmp_path / "sites.yaml"
    local.write_text("nothing useful\n")
    monkeypatch.setenv("CASEBOOK_GUIDANCE_SITES", str(local))
    catalogue = load_catalogue()
    assert len(catalogue.scenarios) >= 31  # the shipped ones still load
    assert [i.message for i in catalogue.issues] == [
        f"{local} is not a list of guidance sites: expected 'sites:' with one site name per "
        "line, such as 'gov.uk: GOV.UK'"]
