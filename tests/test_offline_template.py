"""The apps' pages name nothing outside this machine: a library may have no internet."""

import re
import urllib.request
from pathlib import Path

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


def test_the_wheel_carries_every_file_of_the_template():
    """pyproject.toml lists the template's files one by one (setuptools' data-files
    take no patterns): a page added to the folder but not the list would be missing
    from an installed casebook."""
    import tomllib
    root = Path(__file__).parents[1]
    listed = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]["share/jupyter/voila/templates/casebook"]
    folder = root / "share" / "jupyter" / "voila" / "templates" / "casebook"
    assert sorted(listed) == sorted(str(p.relative_to(root)) for p in folder.iterdir()
                                    if p.is_file())
