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

ROOT = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
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

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"voila exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"voila did not open port {self.port}: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def tab_to(page, locator, *, presses: int = 80) -> None:
    """Move focus with the Tab key alone until ``locator`` has it."""
    for _ in range(presses):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


# WCAG 2.0 and 2.1, levels A and AA: the rules the apps must pass with no violations.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_violations(page) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python, so nothing is fetched) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: "
            f"{'; '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]]
