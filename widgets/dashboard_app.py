"""The manager dashboard: filters, views that follow them, a search box, and
downloads of the filtered entries.

What the dashboard is about lives in one :class:`~widgets.state.DashboardState`:
the filter. The controls set it; every view, the search and the downloads read it.
"""

from __future__ import annotations

import html
import tempfile
from datetime import date
from pathlib import Path

import ipywidgets as w

from casebook.entries import count_entries
from casebook.exchange.export import export_entries
from casebook.filters import EntryFilter
from casebook.overview import filter_choices, overview
from casebook.search import search
from casebook.store import Casebook
from casebook.taxonomy import KIND_LABELS, KINDS, OFFERS, THEMES

from .dashboard_views import (
    EMPTY,
    challenges_view,
    resources_view,
    stories_view,
    themes_view,
    training_view,
)
from .download import download_anchor
from .fields import text_box
from .message_area import MessageArea
from .state import DashboardState
from .style import DASHBOARD_WIDTH, LABELLED_SHORT, STYLE, wide

# Past this, a download in the page gets too big for a browser: use the CLI instead.
MAX_DOWNLOAD = 50_000
EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument."
                                            "spreadsheetml.sheet"}


def _with_all(label: str, values) -> list[tuple[str, str | None]]:
    # Every option a (label, value) pair: ipywidgets misreads a list mixing both forms.
    return [(label, None), *((v, v) for v in values)]


class DashboardApp(w.VBox):
    def __init__(self, *, casebook: Casebook):
        self.casebook = casebook
        self.state = DashboardState()
        self.messages = MessageArea()
        choices = filter_choices(casebook)
        self.since = w.DatePicker(description="From", style=LABELLED_SHORT)
        self.until = w.DatePicker(description="To", style=LABELLED_SHORT)
        self.services = w.SelectMultiple(options=choices["services"], rows=5,
                                         description="Library services", style=LABELLED_SHORT,
                                         layout=wide(max_width="32rem"))
        self.region = w.Dropdown(options=_with_all("All regions", choices["regions"]),
                                 description="Region", style=LABELLED_SHORT)
        self.kinds = w.SelectMultiple(options=[(KIND_LABELS[k], k) for k in KINDS], rows=4,
                                      description="Kinds", style=LABELLED_SHORT)
        self.theme = w.Dropdown(options=_with_all("All themes", THEMES), description="Theme",
                                style=LABELLED_SHORT)
        self.offer = w.Dropdown(options=_with_all("All offers", OFFERS),
                                description="Universal Offer", style=LABELLED_SHORT)
        self.total = w.HTML()
        self.views = {name: w.HTML(layout=wide(max_width=DASHBOARD_WIDTH)) for name in
                      ("themes", "challenges", "resources", "stories", "training")}
        # The search runs when the query is typed (Enter or leaving the box).
        self.query = text_box("Search the casebook", style=LABELLED_SHORT,
                              layout=wide(max_width="32rem"))
        self.search_button = w.Button(description="Search")
        self.results = w.HTML(layout=wide(max_width=DASHBOARD_WIDTH))
        self.export_button = w.Button(description="Prepare downloads of these entries")
        self.downloads = w.HTML()
        guard = self.messages.guard
        for control in (self.since, self.until, self.services, self.region, self.kinds,
                        self.theme, self.offer):
            control.observe(guard(lambda _c: self.filter_changed()), names="value")
        self.search_button.on_click(guard(lambda _b: self.run_search()))
        self.query.observe(guard(lambda _c: self.run_search()), names="value")
        self.export_button.on_click(guard(lambda _b: self.prepare_downloads()))
        super().__init__(children=[
            w.HTML(STYLE),
            w.HTML("<h1>Manager dashboard</h1><p>What the network is learning: themes over "
                   "time, challenges, resources, success stories and training results. "
                   "Every view follows the filters.</p><h2>Filters</h2>"),
            w.HBox([self.since, self.until]), self.services, self.region, self.kinds,
            self.theme, self.offer, self.total, self.messages,
            *self.views.values(),
            w.HTML("<h2>Search</h2>"), w.HBox([self.query, self.search_button]), self.results,
            w.HTML("<h2>Download the filtered entries</h2>"), self.export_button,
            self.downloads,
        ])
        self.redraw()

    def filter_changed(self) -> None:
        """Take the filter the controls show into the state, then redraw from it."""
        if self.since.value and self.until.value and self.since.value > self.until.value:
            # The state keeps the last filter that made sense; the views still show it.
            self.messages.show("The From date is after the To date.", kind="error")
            return
        self.state.filter = EntryFilter(
            since=self.since.value, until=self.until.value, services=self.services.value,
            regions=self.region.value or (), kinds=self.kinds.value,
            themes=self.theme.value or (), offers=self.offer.value or ())
        self.redraw()
        if self.query.value.strip():
            self.run_search()

    def redraw(self) -> None:
        """Recompute every view for the state's filter."""
        self.messages.clear()
        found = overview(self.casebook, self.state.filter)
        self.downloads.value = ""
        if found.empty:
            self.total.value = ""
            for name, view in self.views.items():
                view.value = EMPTY if name == "themes" else ""
            return
        self.total.value = (f'<p class="cb-summary" role="status"><strong>{found.total:,}'
                            "</strong> entries match these filters.</p>")
        self.views["themes"].value = themes_view(found)
        self.views["challenges"].value = challenges_view(found)
        self.views["resources"].value = resources_view(found)
        self.views["stories"].value = stories_view(found)
        self.views["training"].value = training_view(found)

    def run_search(self) -> None:
        if not self.query.value.strip():
            self.results.value = ""
            return
        hits = search(self.casebook, self.query.value, self.state.filter, limit=20)
        if not hits:
            self.results.value = '<p role="status">No entries match.</p>'
            return
        items = "".join(
            f"<li><strong>{html.escape(h.entry.title or KIND_LABELS[h.entry.kind])}</strong>: "
            f"{html.escape(h.entry.text)} <span class=\"cb-entry-meta\">"
            f"({html.escape(h.entry.library_service or 'no service')}, "
            f"{h.entry.created_at:%d %b %Y})</span></li>" for h in hits)
        self.results.value = (f'<p role="status">{len(hits)} best matches.</p>'
                              f'<ol class="cb-results">{items}</ol>')

    def prepare_downloads(self) -> None:
        where = self.state.filter
        total = count_entries(self.casebook, where)
        if total > MAX_DOWNLOAD:
            self.downloads.value = (
                f"<p>{total:,} entries is too many to download in the page (the limit is "
                f"{MAX_DOWNLOAD:,}). Narrow the filters, or use <code>casebook export</code>."
                "</p>")
            return
        links = []
        with tempfile.TemporaryDirectory() as folder:
            for fmt, mime in EXPORT_TYPES.items():
                path = Path(folder) / f"entries.{fmt}"
                export_entries(self.casebook, fmt, path, where, via="dashboard download")
                links.append(download_anchor(
                    label=f"Download {total:,} entries ({fmt.upper()})",
                    filename=f"casebook-{date.today():%Y-%m-%d}.{fmt}",
                    content=path.read_bytes(), mime=mime))
        self.downloads.value = "<ul>" + "".join(f"<li>{a}</li>" for a in links) + "</ul>"
