"""casebook serve: every app behind one command, offline, warm, and safe by default."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from casebook import CasebookError, open_casebook
from casebook.accounts import add_account
from casebook.serving.plan import left_out, plan
from casebook.training.catalogue import ENVIRONMENT as SCENARIOS_ENVIRONMENT
from casebook.training.catalogue import load_catalogue
from casebook.training.format import Issue

from conftest import run_cli
from servers import free_port, kernels_using


def test_loopback_with_no_accounts_needs_no_sign_in_and_the_safe_defaults_are_set(sqlite_url):
    found = plan(open_casebook(sqlite_url))
    assert not found.sign_in and found.url == "http://127.0.0.1:8866/"
    command = " ".join(found.command)
    for flag in ("--Voila.ip=127.0.0.1", "--strip_sources=True", "--show_tracebacks=False",
                 "--VoilaConfiguration.allow_theme_override=NO",
                 "--VoilaConfiguration.allow_template_override=NO", "--template=casebook",
                 "--preheat_kernel=True", "--pool_size=1", "cull_idle_timeout=900",
                 "-m widgets.voila_app",
                 "--VoilaConfiguration.multi_kernel_manager_class="
                 "widgets.kernel_limits.CappedKernels --CappedKernels.max_kernels=30",
                 "--VoilaConfiguration.kernel_spec_manager_class="
                 "widgets.kernel_limits.LimitedKernelSpecs --LimitedKernelSpecs.memory_mb=1024"):
        assert flag in command
    assert found.environment["CASEBOOK_DB"] == sqlite_url
    template = Path(found.environment["JUPYTER_PATH"]) / "voila" / "templates" / "casebook"
    assert (template / "tree.html").exists()
    assert "Library casebook apps at http://127.0.0.1:8866/" == found.banner[0]
    assert "Up to 30 app pages open at once (3 of them kept warm), each limited to 1024 MB." \
        in found.banner


def test_beyond_this_machine_everyone_signs_in_and_an_admin_must_exist(sqlite_url):
    cb = open_casebook(sqlite_url)
    with pytest.raises(CasebookError, match=r"--host 0.0.0.0 makes the apps reachable from "
                                            r"the network, so everyone must sign in.*"
                                            r"casebook users add NAME --role admin"):
        plan(cb, host="0.0.0.0", port=9000)
    add_account(cb, "boss", ["admin"], password="correct horse battery")
    found = plan(cb, host="0.0.0.0", port=9000)
    assert found.sign_in and found.url == "http://127.0.0.1:9000/"  # no token in it
    assert "--CasebookIdentity.required=True" in found.command and "--token=" in found.command
    assert "Everyone signs in with their own account (casebook users list)." in found.banner


def test_on_this_machine_sign_in_starts_with_the_first_account(sqlite_url):
    cb = open_casebook(sqlite_url)
    assert not plan(cb).sign_in and "--CasebookIdentity.required=False" in plan(cb).command
    add_account(cb, "lee", ["learner"], password="correct horse battery")
    assert plan(cb).sign_in and "--CasebookIdentity.required=True" in plan(cb).command


def test_a_relative_casebook_path_reaches_the_kernels_in_full(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = plan(open_casebook("sqlite:///here.db"))
    assert found.environment["CASEBOOK_DB"] == f"sqlite:///{tmp_path / 'here.db'}"


def test_base_url_and_bad_options(sqlite_url, tmp_path):
    cb = open_casebook(sqlite_url)
    assert "--base_url=/apps/casebook/" in plan(cb, base_url="apps/casebook").command
    with pytest.raises(CasebookError, match="--pool is 99"):
        plan(cb, pool=99)
    with pytest.raises(CasebookError, match="--max-kernels is 6; expected more than the 6 "
                                            "kept warm"):
        plan(cb, pool=2, max_kernels=6)
    assert "--CappedKernels.max_kernels=7" in plan(cb, pool=2, max_kernels=7).command
    with pytest.raises(CasebookError, match="--kernel-memory is 100; expected 512"):
        plan(cb, kernel_memory=100)
    with pytest.raises(CasebookError, match="no apps found"):
        plan(cb, notebooks=tmp_path)


def test_scenarios_must_be_a_folder(sqlite_url, tmp_path):
    cb = open_casebook(sqlite_url)
    with pytest.raises(CasebookError) as missing:
        plan(cb, scenarios=str(tmp_path / "nowhere"))
    assert str(missing.value) == (f"--scenarios {tmp_path / 'nowhere'}: expected a folder of "
                                  "scenarios, found nothing there")
    (tmp_path / "a-file.yaml").write_text("id: x\n")
    with pytest.raises(CasebookError, match="expected a folder of scenarios, found a file"):
        plan(cb, scenarios=str(tmp_path / "a-file.yaml"))


def test_the_cli_refuses_a_missing_scenarios_folder_in_one_line(tmp_path):
    refused = subprocess.run(
        [sys.executable, "-m", "casebook.cli", "serve", "--db", f"sqlite:///{tmp_path / 'c.db'}",
         "--scenarios", str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"casebook serve: --scenarios {tmp_path / 'nowhere'}: expected a folder of scenarios, "
        "found nothing there"]


def test_the_banner_lists_scenario_files_left_out_and_why(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.delenv(SCENARIOS_ENVIRONMENT, raising=False)
    cb = open_casebook(sqlite_url)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "broken.yaml").write_text("id: broken\ntitle: Half written\n")
    found = plan(cb, scenarios=str(mine))
    issues = load_catalogue([mine]).issues
    broken = [issue for issue in issues if issue.path == str(mine / "broken.yaml")]
    assert broken  # a file with only an id and a title fails its checks
    listed = left_out(issues)
    at = found.banner.index(listed[0])
    assert found.banner[at:at + len(listed)] == listed
    assert all(f"  {issue}" in listed or listed == [f"Left out 1 scenario file: {issue}"]
               for issue in broken)
    assert found.banner[-1] == "Press Ctrl-C to stop."
    assert found.environment[SCENARIOS_ENVIRONMENT] == str(mine)
    # Folders named in the environment already stay: the kernels see what was checked.
    (tmp_path / "theirs").mkdir()
    monkeypatch.setenv(SCENARIOS_ENVIRONMENT, str(tmp_path / "theirs"))
    found = plan(cb, scenarios=str(mine))
    assert found.environment[SCENARIOS_ENVIRONMENT] == f"{tmp_path / 'theirs'}:{mine}"


def test_left_out_lines_name_each_problem():
    one = Issue("mine/a.yaml", 3, "node 'end' is never reached")
    two = Issue("mine/b.yaml", 1, "no title")
    assert left_out([]) == []
    assert left_out([one]) == ["Left out 1 scenario file: mine/a.yaml:3: node 'end' is never "
                               "reached"]
    assert left_out([one, two, one]) == ["Left out 2 scenario files:",
                                         f"  {one}", f"  {two}", f"  {one}"]


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the redirect itself, as an error with its code


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def test_serve_for_real_with_sign_in_then_stop_cleanly(tmp_path):
    db = tmp_path / "casebook.db"
    run_cli("users", "add", "boss", "--role", "admin", "--role", "learner", "--password-stdin",
            "--db", f"sqlite:///{db}", input="correct horse battery\n", check=True)
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "casebook.cli", "serve", "--db", f"sqlite:///{db}",
         "--host", "0.0.0.0", "--port", str(port), "--pool", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        banner = child.stdout.readline()
        assert banner.strip() == f"Library casebook apps at http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                _NO_REDIRECTS.open(f"http://127.0.0.1:{port}/login", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "serve never answered"
                time.sleep(0.5)
        for path in ("/", "/voila/render/training.ipynb"):  # not signed in: sent to sign in
            with pytest.raises(urllib.error.HTTPError) as refused:
                _NO_REDIRECTS.open(f"http://127.0.0.1:{port}{path}", timeout=10)
            assert refused.value.code == 302
            assert refused.value.headers["Location"].startswith("/login?next=")
        deadline = time.monotonic() + 60
        while not kernels_using(db) and time.monotonic() < deadline:
            time.sleep(0.5)  # warm kernels start in the background
        assert kernels_using(db), "no warm kernel was started"
    finally:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
    assert "Stopped." in child.stdout.read()
    deadline = time.monotonic() + 20
    while kernels_using(db) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert kernels_using(db) == []
