"""The apps' shared look, in one place: the stylesheet, the label widths, and the
layouts.

Each layout function returns a NEW ``Layout`` at every call. A ``Layout`` is a
widget of its own: handed to two widgets, hiding one (``layout.display =
"none"``) would hide both. The label widths are plain dicts, which ipywidgets
turns into a new style object for each widget, so they are safe to share.

The stylesheet is inline (no file or CDN to fetch) and does what ipywidgets does
not: lets long choice labels wrap, keeps a clearly visible focus outline for
keyboard users, gives text and messages enough contrast (WCAG AA), makes a
button as wide as its text (ipywidgets cuts it at 148 px), and on a phone puts
each label above its field, as GOV.UK forms do, so the field has the whole width.
"""

from __future__ import annotations

import ipywidgets as w

# Label widths, so the fields of a form line up.
LABELLED = {"description_width": "12rem"}       # the meet-up forms
LABELLED_SHORT = {"description_width": "10rem"}  # the dashboard's filters
LABEL_FITS = {"description_width": "initial"}  # training: each label as wide as its text

READING_WIDTH = "46rem"  # about 75 characters: easy to read, and fits a phone
DASHBOARD_WIDTH = "60rem"  # charts need more room


# The page's width less the margin ipywidgets puts either side of a field, which
# would otherwise push the field's right edge out of view on a phone.
_FULL = "calc(100% - 2 * var(--jp-widgets-margin, 2px))"


def wide(*, max_width: str = READING_WIDTH, height: str | None = None) -> w.Layout:
    """The full width of the page, up to ``max_width``: fits a phone and a desktop."""
    return w.Layout(width=_FULL, max_width=max_width, height=height)


def choice() -> w.Layout:
    """A choice button as wide as the page, growing with its (wrapping) label."""
    return w.Layout(width=_FULL, height="auto")


STYLE = """<style>
.cb-choice { white-space: normal !important; text-align: left !important;
             padding: 0.5rem 0.75rem !important; line-height: 1.4 !important;
             margin: 0.25rem 0 !important; }
.jupyter-widgets button:focus-visible, .jupyter-widgets input:focus-visible,
.jupyter-widgets select:focus-visible, .jupyter-widgets textarea:focus-visible,
.cb-download:focus-visible, a:focus-visible, summary:focus-visible {
    outline: 3px solid #1d4f91 !important; outline-offset: 2px; }
.cb-message-error { color: #8a1c1c; background: #fdecea; padding: 0.5rem 0.75rem;
                    border-left: 4px solid #8a1c1c; }
.cb-message-info { color: #1b1b1b; background: #eef4fb; padding: 0.5rem 0.75rem;
                   border-left: 4px solid #1d4f91; }
.cb-feedback { background: #f3f7f0; border-left: 4px solid #2f6b2f; padding: 0 0.75rem;
               color: #1b1b1b; }
.cb-verdict { border-left: 6px solid; padding: 0.1rem 0.75rem; color: #1b1b1b;
              overflow-wrap: anywhere; }
.cb-verdict-heading { display: flex; align-items: center; gap: 0.5rem; }
.cb-verdict-icon { display: inline-flex; align-items: center; justify-content: center;
                   flex: none; width: 1.6em; height: 1.6em; border-radius: 50%;
                   color: #ffffff; font-weight: bold; }
.cb-verdict-best { background: #edf7f0; border-color: #00703c; }
.cb-verdict-best .cb-verdict-heading { color: #005a30; }
.cb-verdict-best .cb-verdict-icon, .cb-result-pass .cb-verdict-icon { background: #00703c; }
.cb-verdict-partly { background: #eef4fb; border-color: #1d4f91; }
.cb-verdict-partly .cb-verdict-heading { color: #1d4f91; }
.cb-verdict-partly .cb-verdict-icon { background: #1d4f91; }
.cb-verdict-wrong { background: #fdf3e7; border-color: #8a4b00; }
.cb-verdict-wrong .cb-verdict-heading { color: #6b3a00; }
.cb-verdict-wrong .cb-verdict-icon, .cb-result-fail .cb-verdict-icon { background: #8a4b00; }
.cb-verdict-red_line { background: #fdecea; border-color: #b10e1e; border-left-width: 10px; }
.cb-verdict-red_line .cb-verdict-heading { color: #8a1c1c; }
.cb-verdict-red_line .cb-verdict-icon { background: #b10e1e; }
.cb-red-line { font-weight: bold; }
.cb-decision h4 { font-size: 1.15rem; }
.cb-decision h5.cb-verdict-heading { font-size: 1rem; margin: 0.75rem 0 0.5rem 0; }
.cb-result { border: 4px solid #1b1b1b; padding: 0 0.75rem; margin: 0.5rem 0;
             color: #1b1b1b; }
.cb-result-pass { border-color: #00703c; background: #edf7f0; }
.cb-result-fail { border-color: #8a4b00; background: #fdf3e7; }
.cb-result-heading:focus { outline: 3px solid #1d4f91; outline-offset: 2px; }
.cb-decisions { padding-left: 1.25rem; }
.cb-decision { margin-bottom: 1.5rem; }
.cb-situation { color: #1b1b1b; }
.cb-glossary details, .cb-details details { margin: 0.25rem 0; }
.cb-glossary summary, .cb-details summary { cursor: pointer; color: #1d4f91;
                                            text-decoration: underline; }
.cb-guidance a, .cb-details a { color: #1d4f91; }
.cb-certainty.widget-radio { flex-direction: column; align-items: flex-start;
                             height: auto; }
.cb-certainty.widget-radio > .widget-label { width: auto !important; font-weight: bold;
                                             margin: 0 0 0.25rem 0; }
.cb-details, .cb-node, .cb-feedback, .cb-debrief { overflow-wrap: anywhere; }
.cb-marks .cb-table { max-width: 100%; }
.cb-ending { background: #eef4fb; border-left: 4px solid #1d4f91; padding: 0 0.75rem; }
.cb-table { border-collapse: collapse; }
.cb-table th, .cb-table td { border: 1px solid #767676; padding: 0.25rem 0.5rem;
                             text-align: left; }
.cb-table caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
.cb-download { color: #1d4f91; text-decoration: underline; }
.cb-trainers { margin-top: 2rem; border-top: 1px solid #767676; padding-top: 0.5rem;
               color: #1b1b1b; }
.cb-trainers summary { cursor: pointer; color: #1d4f91; text-decoration: underline; }
.jupyter-widgets.jupyter-button { width: max-content; max-width: 100%;
                                  min-width: var(--jp-widgets-inline-width-short); }
@media (max-width: 40rem) {
  .jupyter-widgets.widget-inline-hbox { flex-wrap: wrap; height: auto; }
  .jupyter-widgets.widget-inline-hbox > .widget-label {
      width: 100% !important; text-align: left; margin: 0 0 0.25rem 0; }
  .jupyter-widgets.widget-dropdown > select { height: var(--jp-widgets-inline-height); }
}
.cb-visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0;
                      margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0);
                      white-space: nowrap; border: 0; }
</style>"""
