"""A download as a plain link: the file travels inside the link (a data URL), so it
works offline, needs no extra server route, and is reached by keyboard like any link."""

from __future__ import annotations

import base64
import html


def download_href(content: bytes | str, mime: str) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def download_anchor(*, label: str, filename: str, content: bytes | str,
                    mime: str = "text/html", hidden_detail: str = "") -> str:
    """The ``<a download>`` element; ``hidden_detail`` is read out but not shown, to tell
    apart several links with the same visible text."""
    detail = (f'<span class="cb-visually-hidden"> {html.escape(hidden_detail)}</span>'
              if hidden_detail else "")
    return (f'<a class="cb-download" download="{html.escape(filename)}" '
            f'href="{download_href(content, mime)}">{html.escape(label)}{detail}</a>')
