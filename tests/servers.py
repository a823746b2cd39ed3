"""A real Voilà server for browser tests: started on a free port, checked by its TCP
port (asking for a page would start a kernel), and stopped with its whole process
group so no kernel outlives the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from casebook import open_casebook
from casebook.serving.plan import plan

ROOT = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """A server process on a free port, in a process group of its own."""
    port: int
    url: str
    log: Path
    process: subprocess.Popen

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"the server did not open port {self.port}: {self.log.read_text()}")

    def log_tail(self, characters: int = 4000) -> str:
        """The end of the server's log, to show beside a failed assertion."""
        return self.log.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


class VoilaServer(_Server):
    """Plain Voilà serving one notebook with the project's template."""

    def __init__(self, notebook: str, *, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        voila = Path(sys.executable).parent / "voila"
        command = [str(voila), str(ROOT / "notebooks" / notebook), "--no-browser",
                   f"--port={self.port}", "--Voila.ip=127.0.0.1", "--strip_sources=True",
                   "--show_tracebacks=False", "--template=casebook"]
        # The project's own template (no CDN links) lives in the repository's share/.
        jupyter_path = {"JUPYTER_PATH": str(ROOT / "share" / "jupyter")}
        self.process = subprocess.Popen(
            command, cwd=ROOT / "notebooks", env={**os.environ, **jupyter_path, **env},
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


class PlannedServer(_Server):
    """The Voilà that `casebook serve` runs, from its plan, with extra limit flags for
    tests (such as ``--CappedKernels.evict_after_seconds=N``, which the CLI leaves at its
    default)."""

    def __init__(self, db: Path, *, log: Path, limits: tuple[str, ...] = (), **options):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.db = db
        the_plan = plan(open_casebook(f"sqlite:///{db}"), port=self.port, **options)
        module = the_plan.command.index("widgets.voila_app") + 1
        command = [*the_plan.command[:module], *limits, *the_plan.command[module:]]
        self.process = subprocess.Popen(
            command, env={**os.environ, **the_plan.environment}, stdout=log.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)

    def kernels(self) -> list[int]:
        return kernels_using(self.db)


class ServeCommand(_Server):
    """`casebook serve` itself, as a user types it, on a free port."""

    def __init__(self, db: Path, *options: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "casebook.cli", "serve", "--db", f"sqlite:///{db}",
             "--port", str(self.port), *options],
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def kernels_using(db: Path) -> list[int]:
    """Kernel processes whose environment names this casebook file."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # ended while we looked
        if str(db).encode() in environ and b"ipykernel" in command:
            found.append(int(pid))
    return found


def tab_to(page, locator, *, presses: int = 80) -> None:
    """Move focus with the Tab key alone until ``locator`` has it."""
    for _ in range(presses):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


# WCAG 2.0 and 2.1, levels A and AA: the rules the apps must pass with no violations.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_violations(page, tags: list[str] = WCAG_AA) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python, so nothing is fetched) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: "
            f"{'; '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]]

def best_choice(scenario, labels: list[str]):
    """Of the choices on screen, the one worth most and crossing no red line (knowing the
    scenario file)."""
    for node in scenario.nodes.values():
        offered = {c.label: c for c in node.choices}
        if labels and all(label in offered for label in labels):
            best = max((offered[label] for label in labels),
                       key=lambda c: (not c.red_line, c.score))
            return node, best
    raise AssertionError(f"no node offers {labels}")


def play_to_the_end(page, scenario) -> None:
    """Play the best choice at every node, with the keyboard alone, until an ending."""
    choices = page.locator(".cb-choice")
    for _ in range(len(scenario.nodes)):
        ending = page.locator(".cb-ending")
        choices.first.or_(ending).first.wait_for(timeout=30_000)
        if ending.count():
            break
        labels = [c.inner_text().strip() for c in choices.all()]
        node, best = best_choice(scenario, labels)
        if scenario.certainty:
            answer_certainty(page, "very sure" if best.score > 0 else "not sure")
        target = page.get_by_role("button", name=best.label, exact=True)
        tab_to(page, target)
        page.keyboard.press("Enter")
        # Feedback on the choice, or at the end the result (the debrief holds the feedback).
        page.locator(".cb-feedback").or_(page.locator(".cb-result")).first.wait_for(
            timeout=30_000)
        wait_for_new_focus(page, best.label)


# Where focus goes after a choice: the certainty question of the next decision, else its
# first choice, or the result's heading at the end.
NEW_FOCUS = """label => { const el = document.activeElement; if (!el) return false;
  if (el.matches('.cb-certainty input[type=radio], .cb-result-heading')) return true;
  return el.tagName === 'BUTTON' && !el.textContent.includes(label); }"""


def wait_for_new_focus(page, chosen: str) -> None:
    """Wait until keyboard focus has moved on from the choice just taken."""
    page.wait_for_function(NEW_FOCUS, arg=chosen, timeout=10_000)


def answer_certainty(page, wanted: str) -> None:
    """Say how sure with the keyboard alone: focus is on the question already."""
    from casebook.training.format import CERTAINTY

    first = page.get_by_role("radio", name=list(CERTAINTY)[0], exact=True)
    tab_to(page, first)
    if not first.is_checked():
        page.keyboard.press("Space")
    for _ in CERTAINTY:
        if page.get_by_role("radio", name=wanted, exact=True).is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {wanted!r}")


def create_meetup(page, title: str) -> None:
    """Create a meet-up in the meet-up app with the keyboard alone."""
    tab_to(page, page.get_by_label("New meet-up title"))
    page.keyboard.type(title)
    tab_to(page, page.get_by_role("button", name="Create meet-up"))
    page.keyboard.press("Enter")
    page.get_by_text(f"Meet-up created: {title}").wait_for(timeout=30_000)
