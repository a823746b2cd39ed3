"""Running every app with one command: Voilà, set up to be fast, offline and safe.

:func:`plan` works out the Voilà command line, its environment and the start-up
banner (pure, so it is tested without starting anything); :func:`serve` runs
it and stops it cleanly on Ctrl-C or SIGTERM, kernels included. Voilà runs in
a child process, ``python -m widgets.voila_app`` (the limits live there, on the UI
side): this package never imports Voilà. The limits reach it through Voilà's own
settings: the kernel manager class (the cap) and the kernel spec manager class
(every kernel started by :mod:`.kernel_launch`, its memory limited).
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..accounts import list_accounts
from ..errors import CasebookError
from ..store import Casebook
from ..training.catalogue import ENVIRONMENT as SCENARIOS_ENVIRONMENT
from ..training.catalogue import load_catalogue

APPS = {
    "training": "Training scenarios: for staff and volunteers",
    "meetup": "Meet-up capture: for facilitators of network meet-ups",
    "dashboard": "Manager dashboard: for managers and network leads",
}
# An idle page's kernel is shut down after this long, and checked for this often.
CULL_IDLE_SECONDS = 900
CULL_INTERVAL_SECONDS = 60
TEMPLATE = "casebook"
# The classes in widgets/kernel_limits.py that carry the limits into Voilà.
KERNEL_MANAGER = "widgets.kernel_limits.CappedKernels"
IDENTITY = "widgets.sign_in.CasebookIdentity"  # who a request is from (accounts)
KERNEL_SPECS = "widgets.kernel_limits.LimitedKernelSpecs"
# Each open app page has a kernel of 70-160 MB: 30 of them fit a few GB, enough for a
# training room, and a page beyond that gets a "try again" page, not a slow machine.
MAX_KERNELS = 30
# A kernel's data memory limit (RLIMIT_DATA). A dashboard kernel holds about 310 MB
# of data memory once started, and preparing a download of 60,000 entries took
# 300 MB in a plain Python process: this leaves room for real work while stopping
# a runaway page.
KERNEL_MEMORY_MB = 1024


@dataclass(frozen=True)
class Plan:
    command: list[str]
    environment: dict[str, str]
    banner: list[str]
    url: str
    sign_in: bool = False  # everyone signs in with an account (see widgets.sign_in)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _project_path(*parts: str) -> Path | None:
    """A folder shipped beside the package (a checkout or an editable install)."""
    here = Path(__file__).resolve().parents[2].joinpath(*parts)
    return here if here.exists() else None


def template_root() -> Path:
    """The Jupyter data folder that holds the project's Voilà template."""
    for root in (_project_path("share", "jupyter"), Path(sys.prefix) / "share" / "jupyter"):
        if root and (root / "voila" / "templates" / TEMPLATE / "conf.json").exists():
            return root
    raise CasebookError("the casebook Voila template is not installed; reinstall the project")


def plan(casebook: Casebook, *, host: str = "127.0.0.1", port: int = 8866,
         scenarios: str | None = None, pool: int = 1, base_url: str = "/",
         max_kernels: int = MAX_KERNELS,
         kernel_memory: int = KERNEL_MEMORY_MB, notebooks: Path | None = None) -> Plan:
    """The Voilà command that serves every app: with sign-in as soon as any account
    exists, and always when the host is reachable from other machines (which then
    needs an administrator account first)."""
    notebooks = notebooks or _project_path("notebooks") or Path.cwd() / "notebooks"
    if not (notebooks / "training.ipynb").exists():
        raise CasebookError(f"no apps found in {notebooks}; run from the project folder")
    if not 0 <= pool <= 8:
        raise CasebookError(f"--pool is {pool}; expected 0 to 8 kernels kept warm per app")
    warm = pool * len(APPS)
    if not warm < max_kernels <= 500:
        raise CasebookError(f"--max-kernels is {max_kernels}; expected more than the {warm} "
                            f"kept warm (--pool {pool} for each of {len(APPS)} apps), "
                            "and at most 500")
    if not 512 <= kernel_memory <= 65536:
        raise CasebookError(f"--kernel-memory is {kernel_memory}; expected 512 to 65536 (MB)")
    if scenarios and not Path(scenarios).is_dir():
        found = "a file" if Path(scenarios).exists() else "nothing"
        raise CasebookError(f"--scenarios {scenarios}: expected a folder of scenarios, "
                            f"found {found} there")
    # Sign-in is needed as soon as anyone has an account, and always beyond this machine.
    accounts = list_accounts(casebook)
    sign_in = bool(accounts) or not is_loopback(host)
    if not is_loopback(host) and not any(a.may("admin") for a in accounts):
        raise CasebookError(
            f"--host {host} makes the apps reachable from the network, so everyone must sign "
            "in, and nobody could manage accounts yet: first make an administrator with "
            "'casebook users add NAME --role admin'")
    base_url = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    command = [
        sys.executable, "-m", "widgets.voila_app",
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        f"--CappedKernels.max_kernels={max_kernels}",
        f"--VoilaConfiguration.kernel_spec_manager_class={KERNEL_SPECS}",
        f"--LimitedKernelSpecs.memory_mb={kernel_memory}",
        str(notebooks), "--no-browser",
        f"--port={port}", f"--Voila.ip={host}", f"--base_url={base_url}",
        f"--template={TEMPLATE}", "--classic_tree=True",
        "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.allow_template_override=NO",
        f"--preheat_kernel={pool > 0}", f"--pool_size={pool}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--token=",  # no shared token: accounts and their sessions decide who enters
        f"--Voila.identity_provider_class={IDENTITY}",
        f"--CasebookIdentity.required={sign_in}",
    ]
    url = casebook.url
    if casebook.dialect == "sqlite" and url.database and not url.database.startswith(":"):
        # The kernels run in the notebooks folder: give them the file by its full path.
        url = url.set(database=str(Path(url.database).resolve()))
    environment = {"CASEBOOK_DB": url.render_as_string(hide_password=False),
                   "JUPYTER_PATH": str(template_root())}
    extra = [Path(scenarios).resolve()] if scenarios else []
    if extra:
        # The kernels find scenarios where the banner's check looked: those named by
        # the environment already, and the folder added.
        known = [p for p in os.environ.get(SCENARIOS_ENVIRONMENT, "").split(os.pathsep) if p]
        environment[SCENARIOS_ENVIRONMENT] = os.pathsep.join([*known, str(extra[0])])
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    address = f"http://{shown_host}:{port}{base_url}"
    banner = [f"Library casebook apps at {address}", f"Casebook: {casebook.describe()}"]
    if sign_in:
        banner.append("Everyone signs in with their own account (casebook users list).")
    banner += [f"  {base_url}voila/render/{name}.ipynb  {about}" for name, about in APPS.items()]
    banner.append(f"Up to {max_kernels} app pages open at once ({warm} of them kept warm), "
                  f"each limited to {kernel_memory} MB.")
    banner += left_out(load_catalogue(extra).issues)
    banner.append("Press Ctrl-C to stop.")
    return Plan(command, environment, banner, address, sign_in)


def left_out(issues) -> list[str]:
    """Banner lines for the scenario files that fail their checks, each problem with
    where it is, so whoever starts the server sees why a scenario is missing.

    >>> from casebook.training.format import Issue
    >>> left_out([Issue("mine/scams.md", 4, "choice 'Call back' leads nowhere")])
    ["Left out 1 scenario file: mine/scams.md:4: choice 'Call back' leads nowhere"]
    """
    if not issues:
        return []
    files = len({issue.path for issue in issues})
    heading = f"Left out {files} scenario file{'s' if files != 1 else ''}:"
    if len(issues) == 1:
        return [f"{heading} {issues[0]}"]
    return [heading, *(f"  {issue}" for issue in issues)]


def serve(the_plan: Plan) -> int:
    """Run Voilà until Ctrl-C or SIGTERM; then stop it and its kernels, and return."""
    for line in the_plan.banner:
        print(line, flush=True)
    child = subprocess.Popen(the_plan.command, env={**os.environ, **the_plan.environment},
                             start_new_session=True)

    def stop(_signum, _frame):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Stopped.", flush=True)
    return 0 if code in (0, -signal.SIGTERM, 128 + signal.SIGTERM) else code
