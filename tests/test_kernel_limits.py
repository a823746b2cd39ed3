"""`casebook serve` shares a small machine among many pages: a cap on live kernels (a
page beyond it is told the server is busy), pages whose browser has gone make room,
warm kernels wait for room, and every kernel's memory is limited. Real Voilà,
real kernels, real HTTP; the rules alone in casebook.kernel_budget's tests below."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from casebook import open_casebook
from casebook.serving.kernel_rules import BootGate

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
                     limits=("--evict-after-seconds=15",))
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
                     limits=("--evict-after-seconds=6",))
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
    assert len(server.kernels()) == count


def test_every_kernel_has_its_memory_limited(new_db, tmp_path):
    server = _served(new_db, tmp_path, pool=1, kernel_memory=700)
    try:
        deadline = time.monotonic() + 90
        while len(server.kernels()) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _open(server.url + "voila/render/meetup.ipynb")[0] == 200
        kernels = server.kernels()
        assert len(kernels) >= 3
        for pid in kernels:
            limits = open(f"/proc/{pid}/limits").read()
            assert re.search(r"Max data size\s+734003200\s+734003200\s+bytes", limits), limits
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
