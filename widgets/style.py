"""The apps' shared stylesheet, added to each page once as an HTML widget.

It is inline (no file or CDN to fetch) and does three things ipywidgets does
not: lets long choice labels wrap, keeps a clearly visible focus outline for
keyboard users, and gives text and messages enough contrast (WCAG AA).
"""

STYLE = """<style>
.cb-choice { white-space: normal !important; text-align: left !important;
             padding: 0.5rem 0.75rem !important; line-height: 1.4 !important;
             margin: 0.25rem 0 !important; }
.jupyter-widgets button:focus-visible, .jupyter-widgets input:focus-visible,
.jupyter-widgets select:focus-visible, .jupyter-widgets textarea:focus-visible,
.cb-download:focus-visible, a:focus-visible {
    outline: 3px solid #1d4f91 !important; outline-offset: 2px; }
.cb-message-error { color: #8a1c1c; background: #fdecea; padding: 0.5rem 0.75rem;
                    border-left: 4px solid #8a1c1c; }
.cb-message-info { color: #1b1b1b; background: #eef4fb; padding: 0.5rem 0.75rem;
                   border-left: 4px solid #1d4f91; }
.cb-feedback { background: #f3f7f0; border-left: 4px solid #2f6b2f; padding: 0 0.75rem;
               color: #1b1b1b; }
.cb-ending { background: #eef4fb; border-left: 4px solid #1d4f91; padding: 0 0.75rem; }
.cb-table { border-collapse: collapse; }
.cb-table th, .cb-table td { border: 1px solid #767676; padding: 0.25rem 0.5rem;
                             text-align: left; }
.cb-table caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
.cb-download { color: #1d4f91; text-decoration: underline; }
.cb-visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0;
                      margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0);
                      white-space: nowrap; border: 0; }
</style>"""
