"""How fast the apps become usable in a real browser: `casebook serve` against plain Voilà.

Two measurements, in one run, on a casebook filled with a little demo data (2,000 entries):

(a) For each app (training, meetup, dashboard), the time from the start of ``page.goto`` to
    the app's first interactive widget being visible, over N sequential opens, each in a
    fresh browser context: ``casebook serve --pool 2`` (preheated kernels) against plain
    ``voila <app>.ipynb`` (a kernel started per page). Between opens the script waits a few
    seconds, for both servers alike, so the preheated pool can refill.
(b) 20 learners opening the training app within one second, side by side: ``casebook serve
    --pool 4`` against plain ``voila training.ipynb`` (and, with ``--before DIR``, the
    ``casebook serve`` of another checkout of this project, e.g. an older commit). 20 contexts
    in one browser (async Playwright), staggered uniformly over one second, each one's time
    to interactive (p50, p95), and the server's peak memory: the summed RSS of the server
    process and all its descendants (Voilà and every kernel), sampled every 0.2 s. Where
    the CPU went is measured too (server process, kernels, browser): the browser runs on
    the same 2 cores, where in a training room each learner's own PC would do its part.

Pages run offline: any request to somewhere other than 127.0.0.1 is aborted (and counted).

    .venv/bin/python benchmarks/serve.py
    .venv/bin/python benchmarks/serve.py --repeats 5 --learners 20   # a shorter run
    .venv/bin/python benchmarks/serve.py --before /tmp/old-checkout    # (b) against it too

No timing is asserted anywhere: this prints figures for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin folder: casebook and voila live beside python
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
APPS = ["training", "meetup", "dashboard"]
# Generous: a cold kernel on a small, busy machine can take tens of seconds.
OPEN_TIMEOUT_MS = 180_000
SAMPLE_SECONDS = 0.2


# --- Machine facts -------------------------------------------------------------------------

def machine_facts() -> list[str]:
    meminfo = Path("/proc/meminfo").read_text().split("\n")
    total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    # Debian's chromium is a shell wrapper that may grumble on stderr: keep stdout only.
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    from importlib.metadata import version

    return [f"Machine: {os.cpu_count()} CPUs (nproc), {total_kb / 1024**2:.1f} GB memory, "
            f"{platform.system()} {platform.release()}",
            f"Python {platform.python_version()}, Voila {version('voila')}, "
            f"Playwright {version('playwright')}, {chromium.strip()}"]


# --- Process trees: memory and CPU of a server and every kernel it started -----------------

def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def process_tree(root: int) -> list[int]:
    """The root and all its descendants, found by walking every process's parent id."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().split("\n"):
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass  # ended between the walk and the read
    return total_kb / 1024


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, ValueError, IndexError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def kernel_count(pids: list[int]) -> int:
    count = 0
    for pid in pids:
        try:
            count += b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            pass
    return count


# --- Servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> Server:
        # A session of its own, so the whole group can be stopped in one signal.
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [*self.command, f"--port={self.port}"], cwd=self.cwd,
                env={**os.environ, **self.env}, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        return self

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def wait_for_port(self, timeout: float = 90) -> None:
        """Only the TCP port is checked: asking for a page would start a kernel."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not open port {self.port}")

    def tree(self) -> list[int]:
        return process_tree(self.process.pid)

    def wait_until_idle(self, timeout: float = 300, busy: float = 0.1) -> float:
        """Wait until the server and its kernels use under ``busy`` CPU-seconds per second
        for two seconds running: the preheated kernels have run their notebooks. Returns
        the seconds waited."""
        start = time.monotonic()
        quiet = 0
        before = cpu_seconds(self.tree())
        while time.monotonic() - start < timeout and quiet < 2:
            time.sleep(1)
            now = cpu_seconds(self.tree())
            quiet = quiet + 1 if now - before < busy else 0
            before = now
        return time.monotonic() - start

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # Remember every kernel first: `casebook serve` runs Voila in a session of its own,
        # so a kernel left behind would not be in our process group.
        tree = self.tree()
        os.killpg(self.process.pid, signal.SIGTERM)  # casebook serve passes it on to Voila
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        deadline = time.monotonic() + 10
        left = [pid for pid in tree[1:] if Path(f"/proc/{pid}").exists()]
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = [pid for pid in left if Path(f"/proc/{pid}").exists()]
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def casebook_serve(db_url: str, pool: int, folder: Path, checkout: Path = ROOT) -> Server:
    """``casebook serve`` from ``checkout`` (this one by default): run as a module from
    the checkout's folder, so its own ``casebook`` package is the one imported."""
    name = f"casebook serve --pool {pool}" + ("" if checkout == ROOT else f" ({checkout})")
    return Server(name, [sys.executable, "-m", "casebook.cli", "serve", "--db", db_url,
                         "--pool", str(pool)],
                  env={"PYTHONPATH": str(checkout)}, cwd=checkout,
                  log=folder / f"serve-pool{pool}-{checkout.name}.log")


def plain_voila(app: str, db_url: str, folder: Path) -> Server:
    return Server(f"voila {app}.ipynb",
                  [str(BIN / "voila"), str(ROOT / "notebooks" / f"{app}.ipynb"),
                   "--no-browser", "--Voila.ip=127.0.0.1", "--template=casebook"],
                  env={"JUPYTER_PATH": str(ROOT / "share" / "jupyter"), "CASEBOOK_DB": db_url},
                  cwd=ROOT / "notebooks", log=folder / f"voila-{app}.log")


# --- Pages ----------------------------------------------------------------------------------

def first_widget(page, app: str):
    """The locator of each app's first interactive widget (same for sync and async pages)."""
    if app == "training":
        return page.get_by_label("Your name or staff ID")
    if app == "meetup":
        return page.get_by_label("Meet-up", exact=True)
    return page.get_by_text("entries match these filters").or_(
        page.get_by_text("Nothing to show yet")).first


def is_local(url: str) -> bool:
    return url.startswith("data:") or url.split("/")[2].split(":")[0] == "127.0.0.1"


@dataclass
class Offline:
    """Counts what pages tried to fetch from outside this machine (all of it aborted)."""
    blocked: list[str] = field(default_factory=list)

    def sync_route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    async def async_route(self, route) -> None:
        if is_local(route.request.url):
            await route.continue_()
        else:
            self.blocked.append(route.request.url)
            await route.abort()


def time_one_open(browser, url: str, app: str, offline: Offline) -> float | None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", offline.sync_route)
        start = time.perf_counter()
        # "commit": the clock stops at the widget, not at the load event.
        page.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
        first_widget(page, app).wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
        return time.perf_counter() - start
    except Exception as error:  # a failed open is reported, not fatal
        print(f"  {app}: open failed: {str(error).splitlines()[0]}", flush=True)
        return None
    finally:
        context.close()


def time_opens(browser, url: str, app: str, repeats: int, gap: float,
               offline: Offline) -> list[float | None]:
    times = []
    for _ in range(repeats):
        times.append(time_one_open(browser, url, app, offline))
        time.sleep(gap)
    return times


# --- Figures --------------------------------------------------------------------------------

def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: with 10 opens it is the slowest."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def summary(times: list[float | None]) -> tuple[float, float, int]:
    done = [t for t in times if t is not None]
    if not done:
        return math.nan, math.nan, len(times)
    return statistics.median(done), p95(done), len(times) - len(done)


# --- (a) Sequential opens -------------------------------------------------------------------

def part_a(db_url: str, folder: Path, repeats: int, gap: float, offline: Offline,
           stack: ExitStack) -> dict[str, dict[str, list[float | None]]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float | None]]] = {app: {} for app in APPS}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One server at a time, so neither's background work (a pool refilling, a kernel
        # finishing its cells) lands in the other's timings.
        server = casebook_serve(db_url, 2, folder).start()
        stack.callback(server.stop)
        server.wait_for_port()
        waited = server.wait_until_idle()
        print(f"casebook serve --pool 2: idle {waited:.0f} s after its port opened, "
              f"{kernel_count(server.tree())} warm kernels, "
              f"{rss_mb(server.tree()):.0f} MB", flush=True)
        for app in APPS:
            url = server.url(f"voila/render/{app}.ipynb")
            results[app]["serve"] = time_opens(browser, url, app, repeats, gap, offline)
            print(f"  {app}: {fmt_times(results[app]['serve'])}", flush=True)
        server.stop()

        for app in APPS:
            server = plain_voila(app, db_url, folder).start()
            stack.callback(server.stop)
            server.wait_for_port()
            server.wait_until_idle()
            results[app]["plain"] = time_opens(browser, server.url(), app, repeats, gap,
                                               offline)
            print(f"voila {app}.ipynb: {fmt_times(results[app]['plain'])}", flush=True)
            server.stop()
        browser.close()
    return results


def fmt_times(times: list[float | None]) -> str:
    return " ".join("fail" if t is None else f"{t:.2f}" for t in times)


def table_a(results, repeats: int, gap: float) -> list[str]:
    lines = [f"(a) Time to first interactive widget, {repeats} sequential opens per app and "
             f"server, each in a fresh browser context; {gap:g} s wait between opens (for both "
             "servers) so the preheated pool can refill.", "",
             "| App | casebook serve median (s) | plain voila median (s) | ratio |",
             "|---|---|---|---|"]
    for app in APPS:
        serve_med, serve_p95, serve_fail = summary(results[app]["serve"])
        plain_med, plain_p95, plain_fail = summary(results[app]["plain"])
        fails = serve_fail + plain_fail
        lines.append(f"| {app} | {serve_med:.2f} (p95 {serve_p95:.2f}) "
                     f"| {plain_med:.2f} (p95 {plain_p95:.2f}) "
                     f"| {plain_med / serve_med:.1f}x{f' ({fails} failed)' if fails else ''} |")
    lines += ["", "ratio = plain voila median / casebook serve median (higher: serve faster). "
              "p95 is nearest-rank."]
    return lines


# --- (b) A class of learners at once --------------------------------------------------------

class MemorySampler(threading.Thread):
    """Sums the RSS of a process tree every 0.2 s, in the background, keeping the peak."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.stopping = threading.Event()
        self.peak_mb = 0.0
        self.peak_kernels = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            tree = self.server.tree()
            self.peak_mb = max(self.peak_mb, rss_mb(tree))
            self.peak_kernels = max(self.peak_kernels, kernel_count(tree))
            self.stopping.wait(SAMPLE_SECONDS)


async def learner(context, url: str, delay: float, offline: Offline) -> float | None:
    await asyncio.sleep(delay)
    page = context.pages[0]
    start = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
        await first_widget(page, "training").wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
        return time.perf_counter() - start
    except Exception as error:
        print(f"  learner starting at {delay:.2f} s failed: {str(error).splitlines()[0]}",
              flush=True)
        return None


def browser_pids() -> list[int]:
    """Every Chromium process on the machine (the benchmark's own browser, when it runs)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"chrom" in (entry / "cmdline").read_bytes()[:200]:
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def cpu_split(server: Server) -> dict[str, float]:
    """CPU-seconds so far of the server process(es), its kernels, and the browser."""
    tree = server.tree()
    kernels = []
    for pid in tree:
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                kernels.append(pid)
        except OSError:
            pass
    return {"server": cpu_seconds([pid for pid in tree if pid not in kernels]),
            "kernels": cpu_seconds(kernels), "browser": cpu_seconds(browser_pids())}


async def class_burst(url: str, learners: int, offline: Offline,
                      server: Server) -> tuple[list, float, dict[str, float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Every learner's browser is open before the clock starts: only the page load counts.
        contexts = [await browser.new_context() for _ in range(learners)]
        for context in contexts:
            page = await context.new_page()
            await page.route("**/*", offline.async_route)
        before = cpu_split(server)
        start = time.perf_counter()
        times = await asyncio.gather(*(learner(context, url, i / learners, offline)
                                       for i, context in enumerate(contexts)))
        everyone = time.perf_counter() - start
        # Before any page closes: a kernel shut down or a renderer gone takes its CPU along.
        # (Kernels that ended during the burst are missing, so "kernels" is a lower bound.)
        after = cpu_split(server)
        for context in contexts:
            await context.close()
        await browser.close()
    return list(times), everyone, {key: after[key] - before[key] for key in after}


def burst_against(server: Server, url_path: str, learners: int, offline: Offline,
                  stack: ExitStack) -> dict:
    server.start()
    stack.callback(server.stop)
    server.wait_for_port()
    waited = server.wait_until_idle()
    idle_mb, idle_kernels = rss_mb(server.tree()), kernel_count(server.tree())
    print(f"{server.name}: idle {waited:.0f} s after its port opened, "
          f"{idle_kernels} warm kernels, {idle_mb:.0f} MB", flush=True)
    sampler = MemorySampler(server)
    sampler.start()
    try:
        times, everyone, cpu = asyncio.run(
            class_burst(server.url(url_path), learners, offline, server))
        time.sleep(1)  # a last sample or five once the last page is up
    finally:
        sampler.stopping.set()
        sampler.join()
    server.stop()
    print(f"  learners: {fmt_times(times)}", flush=True)
    print("  CPU-seconds during the burst: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()),
          flush=True)
    return {"name": server.name, "times": times, "everyone": everyone, "idle_mb": idle_mb,
            "idle_kernels": idle_kernels, "peak_mb": sampler.peak_mb,
            "peak_kernels": sampler.peak_kernels, "cpu": cpu}


def part_b(db_url: str, folder: Path, learners: int, offline: Offline, stack: ExitStack,
           before: Path | None) -> list[dict]:
    runs = [burst_against(casebook_serve(db_url, 4, folder), "voila/render/training.ipynb",
                          learners, offline, stack),
            burst_against(plain_voila("training", db_url, folder), "", learners, offline,
                          stack)]
    if before:
        runs.append(burst_against(casebook_serve(db_url, 4, folder, before),
                                  "voila/render/training.ipynb", learners, offline, stack))
    return runs


def table_b(runs: list[dict], learners: int) -> list[str]:
    lines = [f"(b) {learners} learners open the training app within one second (staggered "
             "uniformly, one browser, a context each), one server after the other; memory "
             "sampled every 0.2 s.", "",
             "| Server | p50 to interactive (s) | p95 (s) | peak server memory (MB) "
             "| CPU-s: server / kernels / browser |",
             "|---|---|---|---|---|"]
    for run in runs:
        median, slowest_95, failed = summary(run["times"])
        cpu = run["cpu"]
        lines.append(f"| {run['name']}{f' ({failed} failed)' if failed else ''} "
                     f"| {median:.2f} | {slowest_95:.2f} | {run['peak_mb']:.0f} "
                     f"| {cpu['server']:.0f} / {cpu['kernels']:.0f} / {cpu['browser']:.0f} |")
    lines += ["", "Memory = summed VmRSS of the server process and all its descendants. "
              "CPU-s = CPU-seconds used during the burst by the server process, its kernels "
              "(a lower bound: kernels that ended are missing) and the headless browser, "
              "which shares the same cores here."]
    for run in runs:
        lines.append(f"- {run['name']}: idle before the burst {run['idle_mb']:.0f} MB with "
                     f"{run['idle_kernels']} kernels; at most {run['peak_kernels']} kernels "
                     f"during it; last learner interactive {run['everyone']:.1f} s after the "
                     "first started.")
    return lines


# --- Main -----------------------------------------------------------------------------------

def make_casebook(folder: Path, entries: int) -> str:
    # Four slashes: an absolute path, since the kernels run in the notebooks folder.
    url = f"sqlite:///{folder / 'servebench.db'}"
    subprocess.run([str(BIN / "casebook"), "demo", "--db", url, "--entries", str(entries)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=10, help="opens per app and server")
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between opens")
    parser.add_argument("--entries", type=int, default=2000, help="demo entries")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="another checkout of this project to run (b) against too")
    args = parser.parse_args()

    header = machine_facts()
    for line in header:
        print(line, flush=True)
    offline = Offline()
    with ExitStack() as stack:  # servers stopped and files removed, whatever happens
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servebench-")))
        db_url = make_casebook(folder, args.entries)
        print(f"Casebook: {args.entries} demo entries in a temporary SQLite file\n", flush=True)
        results = part_a(db_url, folder, args.repeats, args.gap, offline, stack)
        burst = part_b(db_url, folder, args.learners, offline, stack, args.before)

    print()
    for line in header:
        print(line)
    print()
    print("\n".join(table_a(results, args.repeats, args.gap)))
    print()
    print("\n".join(table_b(burst, args.learners)))
    print(f"\nRequests to other hosts aborted: {len(offline.blocked)}"
          + (f" (e.g. {offline.blocked[0]})" if offline.blocked else ""))


if __name__ == "__main__":
    main()
