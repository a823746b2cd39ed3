"""In CI a skipped test must fail the run, so nothing can pass by not running."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT_CONFTEST = (Path(__file__).parent.parent / "conftest.py").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_skip_fails_under_ci(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(ROOT_CONFTEST)
    pytester.makepyfile("import pytest\n\ndef test_x():\n    pytest.skip('no server')\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*skipped in CI, which counts as a failure*no server*"])


@pytest.mark.slow
def test_a_skip_is_a_skip_locally(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    pytester.makeconftest(ROOT_CONFTEST)
    pytester.makepyfile("import pytest\n\ndef test_x():\n    pytest.skip('no server')\n")
    pytester.runpytest_subprocess().assert_outcomes(skipped=1)
