"""The dashboard's views as HTML: for every chart, a one-sentence summary, the chart
as an image with a text alternative, a PNG download, and its table of numbers.
All text from entries is escaped."""

from __future__ import annotations

import html
from collections import defaultdict

from casebook.overview import Overview

from .charts import bar_chart, line_chart
from .download import download_anchor, download_href

TOP_THEMES = 6


def _table(caption: str, header: list[str], rows: list[list]) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return (f'<table class="cb-table"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _figure(png: bytes, *, alt: str, name: str) -> str:
    image = f'<img src="{download_href(png, "image/png")}" alt="{html.escape(alt)}">'
    link = download_anchor(label="Download this chart (PNG)", filename=f"{name}.png",
                           content=png, mime="image/png", hidden_detail=f": {alt}")
    return f'<figure class="cb-figure">{image}<figcaption>{link}</figcaption></figure>'


def themes_view(overview: Overview) -> str:
    totals: dict[str, int] = defaultdict(int)
    by_theme: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for point in overview.themes_by_month:
        totals[point.label] += point.count
        by_theme[point.label].append((point.month, point.count))
    if not totals:
        return "<h2>Themes over time</h2><p>No themed entries match these filters.</p>"
    top = sorted(totals, key=lambda t: (-totals[t], t))[:TOP_THEMES]
    months = sorted({p.month for p in overview.themes_by_month})
    summary = (f"From {months[0]} to {months[-1]}, the most common theme was {top[0]} "
               f"({totals[top[0]]:,} entries), followed by "
               f"{', '.join(f'{t} ({totals[t]:,})' for t in top[1:3]) or 'no other theme'}.")
    png = line_chart({t: by_theme[t] for t in top}, title="Entries per theme, by month",
                     ylabel="Entries")
    rows = [[t, f"{totals[t]:,}"] for t in sorted(totals, key=lambda t: (-totals[t], t))]
    monthly = [[m] + [dict(by_theme[t]).get(m, 0) for t in top] for m in months]
    return ("<h2>Themes over time</h2>"
            f'<p class="cb-summary">{html.escape(summary)}</p>'
            + _figure(png, alt=f"Line chart of entries per month for the {len(top)} most "
                               f"common themes. {summary}", name="themes-by-month")
            + _table("Entries per theme, whole period", ["Theme", "Entries"], rows)
            + "<details><summary>Entries per month for the top themes</summary>"
            + _table("Entries per month", ["Month", *top], monthly) + "</details>")


def challenges_view(overview: Overview) -> str:
    if not overview.challenges:
        return "<h2>Challenges</h2><p>No challenges match these filters.</p>"
    first = overview.challenges[0]
    rising = [t for t in overview.challenges if t.change > 0]
    summary = (f"{first.theme} is the most reported challenge ({first.total:,}). "
               + (f"Rising fastest lately: {max(rising, key=lambda t: t.change).theme}."
                  if rising else "No challenge is rising in the last three months."))
    png = bar_chart([t.theme for t in overview.challenges],
                    [t.total for t in overview.challenges], title="Challenges by theme",
                    xlabel="Challenges logged")
    rows = [[t.theme, f"{t.total:,}", t.recent, t.before,
             f"{'up' if t.change > 0 else 'down' if t.change < 0 else 'level'} "
             f"{abs(t.change)}"] for t in overview.challenges]
    return ("<h2>Challenges, ranked</h2>"
            f'<p class="cb-summary">{html.escape(summary)}</p>'
            + _figure(png, alt=f"Bar chart of challenges by theme. {summary}",
                      name="challenges")
            + _table("Challenges by theme, with the last three months against the three "
                     "before", ["Theme", "Total", "Last 3 months", "3 months before",
                                "Trend"], rows))


def resources_view(overview: Overview) -> str:
    if not overview.resources:
        return "<h2>Resources most cited</h2><p>No resources are named in these entries.</p>"
    name, count = overview.resources[0]
    summary = f"The most cited resource is {name}, named in {count:,} entries."
    png = bar_chart([r for r, _ in overview.resources], [n for _, n in overview.resources],
                    title="Resources most cited", xlabel="Entries naming it")
    return ("<h2>Resources most cited</h2>"
            f'<p class="cb-summary">{html.escape(summary)}</p>'
            + _figure(png, alt=f"Bar chart of the resources most cited. {summary}",
                      name="resources")
            + _table("Resources most cited", ["Resource", "Entries"],
                     [[r, f"{n:,}"] for r, n in overview.resources]))


def stories_view(overview: Overview) -> str:
    if not overview.stories:
        return "<h2>Success stories</h2><p>No success stories match these filters.</p>"
    cards = "".join(
        f'<article class="cb-card"><h3>{html.escape(s.title or "A success story")}</h3>'
        f"<p>{html.escape(s.text)}</p><p class=\"cb-entry-meta\">"
        f"{html.escape(s.library_service or 'Library service not given')} · "
        f"{s.created_at:%d %B %Y}</p></article>" for s in overview.stories)
    return f"<h2>Success stories</h2><p>The latest {len(overview.stories)}.</p>{cards}"


def red_lines_view(overview: Overview) -> str:
    """Red lines crossed per scenario, with the most crossed named in one sentence."""
    if not overview.red_lines:
        return ("<h3>Red lines crossed</h3><p>No red line was crossed in the attempts that "
                "match these filters.</p>")
    top = overview.red_lines[0]
    summary = (f"The most crossed red line is in {top.scenario_title}: \u201c{top.red_line}\u201d, "
               f"crossed in {top.crossed:,} of {top.attempts:,} attempts ({top.rate:.0%}).")
    rows = [[r.scenario_title, r.red_line, f"{r.crossed:,}", f"{r.attempts:,}",
             f"{r.rate:.0%}"] for r in overview.red_lines]
    return ("<h3>Red lines crossed</h3>"
            f'<p class="cb-summary">{html.escape(summary)}</p>'
            + _table("Red lines crossed, by scenario: attempts that crossed each line",
                     ["Scenario", "Red line", "Times crossed", "Of attempts", "%"], rows))


def training_view(overview: Overview) -> str:
    if not overview.training:
        return "<h2>Training</h2><p>No training attempts match these filters.</p>"
    attempts = sum(r.attempts for r in overview.training)
    passed = sum(r.passed for r in overview.training)
    summary = (f"{attempts:,} attempts at {len(overview.training)} scenarios; "
               f"{passed:,} passed.")
    rows = [[r.title, r.attempts, f"{r.completion_rate:.0%}", f"{r.pass_rate:.0%}"]
            for r in overview.training]
    titles = {r.scenario_id: r.title for r in overview.training}
    # Titles, never ids; the commonest wrong answer says which decision it was.
    hard = [[titles.get(h.scenario_id, h.scenario_id),
             h.commonest_wrong or f"Decision {h.node_id}",
             f"{h.wrong} of {h.answered} ({h.wrong_rate:.0%})"] for h in overview.hardest]
    png = bar_chart([r.title for r in overview.training],
                    [round(100 * r.pass_rate) for r in overview.training],
                    title="Pass rate by scenario (% of finished attempts)", xlabel="%")
    return ("<h2>Training</h2>"
            f'<p class="cb-summary">{html.escape(summary)}</p>'
            + _figure(png, alt=f"Bar chart of pass rates by scenario. {summary}",
                      name="training")
            + _table("Attempts, completion and pass rate by scenario",
                     ["Scenario", "Attempts", "Completed", "Passed (of completed)"], rows)
            + red_lines_view(overview)
            + "<h3>Hardest decisions</h3>"
            + _table("Hardest decisions: choices most often not the best one",
                     ["Scenario", "Commonest wrong answer", "Got wrong"], hard))


EMPTY = ("<h2>Nothing to show yet</h2><p>The casebook has no entries or training records "
         "yet. They arrive when facilitators log takeaways in the Meet-up capture app, when "
         "written-up notes are imported (<code>casebook import-notes</code>), when another "
         "casebook's export is merged (<code>casebook import</code>), and when staff play "
         "the Training scenarios. For a demonstration, <code>casebook demo --entries "
         "10000</code> adds clearly marked demo data.</p>")
