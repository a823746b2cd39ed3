"""The apps' pages name nothing outside this machine: a library may have no internet."""

import re
import urllib.request

import pytest

from casebook import open_casebook

from servers import VoilaServer

EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)""")


@pytest.mark.server
def test_the_served_page_links_to_nothing_external(tmp_path):
    url = f"sqlite:///{tmp_path / 'casebook.db'}"
    open_casebook(url).close()
    server = VoilaServer("training.ipynb", env={"CASEBOOK_DB": url}, log=tmp_path / "voila.log")
    try:
        server.wait()
        page = urllib.request.urlopen(server.url, timeout=120).read().decode("utf-8")
    finally:
        server.stop()
    assert "application/vnd.jupyter.widget-view+json" in page  # the app, rendered
    assert EXTERNAL.findall(page) == []


def test_the_pattern_spots_an_external_link():
    assert EXTERNAL.findall('<link rel="stylesheet" href="https://cdn.example/x.css">')
    assert not EXTERNAL.findall('<script src="http://127.0.0.1:8866/static/x.js">')
