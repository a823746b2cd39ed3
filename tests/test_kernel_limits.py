"""`casebook serve` shares a small machine among many pages: a cap on live kernels (a
page beyond it is told the server is busy), pages whose browser has gone make room,
warm kernels wait for room, and every kernel's memory is limited (each kernel is
started by a launcher that limits its own memory, then becomes ipykernel). Real
Voilà, real kernels, real HTTP; the rules and the launcher alone further down."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from casebook import open_casebook
from casebook.serving import kernel_launch
from casebook.serving.kernel_rules import BootGate
from widgets.kernel_limits import LimitedKernelSpecs, LimitNotSet

from servers import PlannedServer

EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)""")


def _open(url: str) -> tuple[int, str]:
    """Ask for a page as a browser would first (no widgets: its kernel never hears from
    the page, so to the server the page is gone as soon as it has loaded)."""
    try:
        with urllib.request.urlopen(url, timeout=120) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def new_db(tmp_path):
    db = tmp_path / "casebook.db"
    open_casebook(f"sqlite:///{db}").close()
    return db


def _served(db, tmp_path, **options) -> PlannedServer:
    server = PlannedServer(db, log=tmp_path / "voila.log", **options)
    server.wait()
    return server


def test_past_the_cap_a_page_says_the_server_is_busy_until_a_gone_page_makes_room(
        new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=0, max_kernels=2,
                     limits=("--CappedKernels.evict_after_seconds=15",))
    training = server.url + "voila/render/training.ipynb"
    try:
        assert _open(training)[0] == 200
        assert _open(training)[0] == 200
        status, page = _open(training)
        assert status == 503, page
        assert "<h1>Too busy</h1>" in page and "All 2 app sessions" in page
        assert 'href="/">Back to the list of apps' in page
        assert EXTERNAL.findall(page) == [] and "Traceback" not in page
        assert len(server.kernels()) == 2
        time.sleep(16)  # both pages have now been gone long enough to give way
        assert _open(training)[0] == 200
        assert len(server.kernels()) == 2
        log = (tmp_path / "voila.log").read_text()
        assert "A page was turned away: 2 kernels" in log
        assert "(its page has gone) to make room" in log
    finally:
        server.stop()
    assert server.kernels() == []


def test_warm_kernels_wait_for_room_and_never_pass_the_cap(new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=1, max_kernels=4)
    training = server.url + "voila/render/training.ipynb"
    try:
        deadline = time.monotonic() + 90
        while len(server.kernels()) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)  # one warm kernel per app
        statuses, most = [], 0
        for _ in range(5):
            statuses.append(_open(training)[0])
            for _ in range(6):  # each page taken makes Voila warm another: watch it
                most = max(most, len(server.kernels()))
                time.sleep(0.5)
        assert statuses[0] == 200 and 503 in statuses, statuses
        assert most == 4
    finally:
        started = time.monotonic()
        server.stop()
    # A kernel still waiting to warm does not hold the stop up, nor start a kernel late.
    assert time.monotonic() - started < 30
    assert server.process.returncode is not None and server.kernels() == []


def test_warming_takes_the_room_of_pages_gone_a_while(new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=1, max_kernels=4,
                     limits=("--CappedKernels.evict_after_seconds=6",))
    training = server.url + "voila/render/training.ipynb"
    try:
        _wait_for_kernels(server, 3)  # one warm kernel per app
        assert _open(training)[0] == 200  # takes the warm one; another warms: 4
        _wait_for_kernels(server, 4)
        time.sleep(2)
        assert _open(training)[0] == 200  # takes that; the next must wait for room
        log = tmp_path / "voila.log"
        assert "to make room" not in log.read_text()
        deadline = time.monotonic() + 60  # no page asks; the gone ones give way to warming
        while "to make room" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "(its page has gone) to make room" in log.read_text()
        _wait_for_kernels(server, 4)
        assert len(server.kernels()) == 4
    finally:
        server.stop()


def _wait_for_kernels(server: PlannedServer, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while len(server.kernels()) != count and time.monotonic() < deadline:
        time.sleep(0.3)
    # The server's own log says why a kernel is missing (it died, or never started).
    assert len(server.kernels()) == count, server.log_tail()


def test_every_kernel_has_its_memory_limited(new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=1, kernel_memory=700)
    try:
        _wait_for_kernels(server, 3)  # the warm ones, one per app
        warm = set(server.kernels())
        assert _open(server.url + "voila/render/meetup.ipynb")[0] == 200
        _wait_for_kernels(server, 4)  # the page took a warm kernel; another warms
        kernels = server.kernels()
        assert warm < set(kernels)
        for pid in kernels:
            limits = open(f"/proc/{pid}/limits").read()
            assert re.search(r"Max data size\s+734003200\s+734003200\s+bytes", limits), limits
            command = open(f"/proc/{pid}/cmdline").read().split("\0")
            assert command[1:3] == ["-m", "ipykernel_launcher"]  # the launcher became it
    finally:
        server.stop()


def test_an_unknown_page_is_explained_offline(new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=0)
    try:
        status, page = _open(server.url + "voila/render/nowhere.ipynb")
        assert status == 404
        assert "There is no page at this address" in page and EXTERNAL.findall(page) == []
    finally:
        server.stop()


# --- The boot gate, alone -------------------------------------------------------------

def _run_through_gate(gate: BootGate, arrivals: list[tuple[str, bool]]) -> list[str]:
    """Each arrival (name, background) holds the gate for a moment; returns the order
    in which they got through, and checks the gate never held more than its slots."""
    order, holding = [], []

    async def one(name: str, background: bool) -> None:
        async with gate.enter(background=background):
            holding.append(name)
            assert len(holding) <= gate.slots
            order.append(name)
            await asyncio.sleep(0.01)
            holding.remove(name)

    async def everyone() -> None:
        tasks = []
        for name, background in arrivals:
            tasks.append(asyncio.create_task(one(name, background)))
            await asyncio.sleep(0)  # arrive in this order
        await asyncio.gather(*tasks)

    # A thread of its own: the browser tests' Playwright keeps an event loop running here.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, everyone()).result()
    return order


def test_the_gate_lets_pages_through_in_order_a_few_at_a_time():
    pages = [(f"page {i}", False) for i in range(7)]
    assert _run_through_gate(BootGate(2), pages) == [name for name, _ in pages]


def test_warming_waits_until_no_page_is_waiting():
    arrivals = [("page 1", False), ("page 2", False), ("warm 1", True), ("page 3", False),
                ("warm 2", True), ("page 4", False)]
    order = _run_through_gate(BootGate(1), arrivals)
    assert order == ["page 1", "page 2", "page 3", "page 4", "warm 1", "warm 2"]


def test_a_gate_needs_a_slot():
    with pytest.raises(ValueError, match="at least one slot"):
        BootGate(0)


# --- The memory limit, alone ---------------------------------------------------------

def _launch(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run the launcher with a stand-in ipykernel_launcher (found first, in the working
    folder, as Jupyter's own ``python -m ipykernel_launcher`` would find it) that
    reports the limit it runs under, its PID and its arguments."""
    (tmp_path / "ipykernel_launcher.py").write_text(
        "import os, resource, sys\n"
        "print(*resource.getrlimit(resource.RLIMIT_DATA), os.getpid(), *sys.argv[1:])\n")
    code = ("import os, subprocess, sys\n"
            f"child = subprocess.Popen([sys.executable, {str(kernel_launch.__file__)!r}, "
            f"*{list(args)!r}])\n"
            "print(child.pid, flush=True)\n"
            "sys.exit(child.wait())\n")
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=30, env={**os.environ, "PYTHONPATH": ""})


def test_the_launcher_limits_its_own_memory_then_becomes_the_kernel(tmp_path):
    ran = _launch(tmp_path, "--memory-mb=600", "-f", "kernel-1.json")
    assert ran.returncode == 0, ran.stderr
    launcher_pid, kernel = ran.stdout.splitlines()
    assert kernel.split() == ["629145600", "629145600", launcher_pid, "-f", "kernel-1.json"]


@pytest.mark.parametrize("args", [(), ("-f", "kernel.json"), ("--memory-mb=lots",),
                                  ("--memory-mb=0", "-f", "kernel.json")])
def test_no_kernel_starts_without_a_limit(tmp_path, args):
    ran = _launch(tmp_path, *args)
    assert ran.returncode == 2
    assert len(ran.stdout.splitlines()) == 1  # the launcher's PID: the kernel never ran
    assert ran.stderr.startswith("kernel_launch: ") and len(ran.stderr.splitlines()) == 1


def test_the_kernel_spec_runs_the_launcher_with_the_limit():
    specs = LimitedKernelSpecs(memory_mb=700)
    spec = specs.get_kernel_spec("python3")
    assert spec.argv[1:] == [str(Path(kernel_launch.__file__).resolve()), "--memory-mb=700",
                             "-f", "{connection_file}"]
    assert spec.language == "python" and spec.display_name
    assert list(specs.get_all_specs()) == ["python3"]
    with pytest.raises(Exception, match="No such kernel named ir"):
        specs.get_kernel_spec("ir")  # no other kernel, so none without the limit
    with pytest.raises(LimitNotSet, match="needs a kernel memory limit"):
        LimitedKernelSpecs()
