"""The dashboard's figures for a set of filters, all computed in SQL."""

from datetime import date
from pathlib import Path

from casebook import EntryFilter, add_entry
from casebook.demo import fill_demo
from casebook.overview import MonthCount, ThemeTrend, challenge_trends, overview
from casebook.training.attempts import start_session
from casebook.training.format import read_scenario

EXAMPLE = read_scenario(Path(__file__).parent / "data" / "scenarios" / "example.yaml")


def test_an_empty_casebook_gives_an_empty_overview(casebook):
    found = overview(casebook)
    assert found.empty and found.total == 0 and found.themes_by_month == []


def test_challenge_trends_compare_recent_months_with_the_ones_before():
    counts = [MonthCount(m, "Capacity", n) for m, n in
              [("2025-01", 1), ("2025-02", 1), ("2025-03", 1), ("2025-04", 4), ("2025-05", 4),
               ("2025-06", 4)]] + [MonthCount("2025-06", "Security", 9)]
    assert challenge_trends(counts) == [ThemeTrend("Capacity", 15, 12, 3),
                                        ThemeTrend("Security", 9, 9, 0)]
    assert challenge_trends(counts)[0].change == 9


def test_overview_follows_the_filters(casebook):
    fill_demo(casebook, entries_count=800, seed=9)
    add_entry(casebook, {"kind": "success_story", "text": "Found work via a loaned tablet",
                         "library_service": "Test Libraries", "themes": ["Jobs and skills"]})
    everything = overview(casebook)
    assert everything.total == 801 and not everything.empty
    assert sum(c.count for c in everything.themes_by_month) >= 801
    assert everything.challenges[0].total >= everything.challenges[-1].total
    assert everything.resources and everything.resources[0][1] >= everything.resources[-1][1]
    assert all(e.kind == "success_story" for e in everything.stories)
    one = overview(casebook, EntryFilter(services="Test Libraries"))
    assert one.total == 1 and [e.text for e in one.stories] == ["Found work via a loaned tablet"]
    assert one.challenges == [] and one.resources == []
    only_approaches = overview(casebook, EntryFilter(kinds="approach"))
    assert only_approaches.challenges == [] and only_approaches.stories == []
    recent = overview(casebook, EntryFilter(since=date(2030, 1, 1)))
    assert recent.total == 0


def test_training_results_and_hardest_choices(casebook):
    def play(learner, service, answers):
        session = start_session(casebook, EXAMPLE, learner=learner, library_service=service)
        for index, certainty in answers:
            session.choose(index, certainty)

    play("A", "North", [(0, "very sure"), (0, "not sure")])        # passes
    play("B", "North", [(1, "very sure"), (1, "not sure")])        # wrong at "ask", fails
    play("C", "South", [(1, "not sure"), (1, "not sure")])         # wrong at "ask"
    play("D", "South", [(0, "not sure")])                    # unfinished
    (result,) = overview(casebook).training
    assert (result.attempts, result.finished, result.passed) == (4, 3, 1)
    assert round(result.completion_rate, 2) == 0.75 and round(result.pass_rate, 2) == 0.33
    # "explain" was got wrong 2 times in 3; "ask" 2 times in 4.
    hardest = overview(casebook).hardest
    assert [(h.node_id, h.answered, h.wrong) for h in hardest] == [("explain", 3, 2),
                                                                    ("ask", 4, 2)]
    assert hardest[0].commonest_wrong == "A weaker answer that leaves Sam to work it out alone"
    assert hardest[1].commonest_wrong == "Tell Sam never to use it"
    play("E", "South", [(2, "very sure"), (0, "not sure")])   # crosses the red line
    play("F", "North", [(2, "not sure")])                    # crosses it, unfinished
    (line,) = overview(casebook).red_lines
    assert (line.scenario_title, line.crossed, line.attempts) == (
        "Is the library Wi-Fi safe?", 2, 6)
    assert line.red_line == "Staff never sign in to a customer's bank or handle their passcodes."
    (north_line,) = overview(casebook, EntryFilter(services="North")).red_lines
    assert north_line.crossed == 1
    (north,) = overview(casebook, EntryFilter(services="North")).training
    assert (north.attempts, north.passed) == (3, 1)
