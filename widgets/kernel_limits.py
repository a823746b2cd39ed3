"""The kernel classes `casebook serve` gives Voilà through its public settings.

- :class:`LimitedKernelSpecs` (``VoilaConfiguration.kernel_spec_manager_class``):
  the apps' one kernel, ``python3``, started by
  :mod:`casebook.serving.kernel_launch`, which limits its memory before ipykernel
  starts. Voilà hands this spec manager to its kernel manager, which asks it for
  the command of every kernel it starts, warm ones included.
- :class:`CappedKernels` (``VoilaConfiguration.multi_kernel_manager_class``): no
  more than ``max_kernels`` live kernels, each page's kernel booting in its turn.
  When preheating, Voilà subclasses this class with its warm pools; the pools'
  share of the limits is private to Voilà, in :mod:`widgets.voila_internals`.

Both are configured on the command line (``--CappedKernels.max_kernels=30``,
``--LimitedKernelSpecs.memory_mb=1024``), and neither starts without its limit.
They live apart from :mod:`widgets.voila_app` because Voilà imports them by name:
``python -m widgets.voila_app`` runs that module as ``__main__``, and importing it
again by name would make a second copy of every class in it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import tornado.web
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Int, default

from casebook.serving import kernel_launch
from casebook.serving.kernel_rules import BootGate, KernelState, evictable
from widgets import voila_internals

KERNEL_NAME = "python3"  # what the apps' notebooks ask for
LAUNCHER = Path(kernel_launch.__file__).resolve()
# A warming kernel holds its boot slot until its notebook has run, or this long
# (the dashboard's notebook waits for its page, so it never finishes while warming;
# its imports take about 2 s).
WARMING_HOLD_SECONDS = 3

T = TypeVar("T")
# Set while a warm kernel starts: its room under the cap was made, and counted, by
# CappedKernels.start_warm (Voilà's pool starts it through start_kernel, like a page).
_room_made: ContextVar[bool] = ContextVar("room_made", default=False)


class LimitNotSet(Exception):
    """The server was started without one of its limits: it refuses to run."""


class LimitedKernelSpecs(KernelSpecManager):
    """The apps' one kernel spec, ``python3``, as installed (ipykernel's), its command
    changed to start the kernel with its memory limited.

    Any other kernel name is unknown, so no kernel starts without the limit.
    """

    memory_mb = Int(0, config=True, help="Each kernel's data memory limit (RLIMIT_DATA), in MB.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.memory_mb < 1:
            raise LimitNotSet("casebook serve needs a kernel memory limit: "
                              "--LimitedKernelSpecs.memory_mb=MB")
        try:  # a spec this cannot limit, or none, stops the start-up
            self.get_kernel_spec(KERNEL_NAME)
        except NoSuchKernel:
            raise LimitNotSet(f"casebook serve needs the {KERNEL_NAME} kernel spec "
                              "(ipykernel's); none is installed") from None

    def find_kernel_specs(self) -> dict[str, str]:
        found = super().find_kernel_specs()
        return {KERNEL_NAME: found[KERNEL_NAME]} if KERNEL_NAME in found else {}

    def get_kernel_spec(self, kernel_name: str):
        if kernel_name.lower() != KERNEL_NAME:
            raise NoSuchKernel(kernel_name)
        spec = super().get_kernel_spec(kernel_name)  # a new object on every call
        if spec.argv[1:3] != ["-m", "ipykernel_launcher"]:
            raise LimitNotSet(f"the {KERNEL_NAME} kernel spec runs {' '.join(spec.argv)}; "
                              "casebook serve can limit only python -m ipykernel_launcher")
        # The launcher runs under the spec's Python, then execs that same Python.
        spec.argv = [spec.argv[0], str(LAUNCHER), f"{kernel_launch.FLAG}{self.memory_mb}",
                     *spec.argv[3:]]
        return spec


class KernelLimitReached(tornado.web.HTTPError):
    def __init__(self, max_kernels: int):
        super().__init__(
            503, "All %d app sessions this server allows are in use. Close app tabs you "
            "have finished with, or try again in a few minutes.", max_kernels,
            reason="Too busy")


def _usable_cpus() -> int:
    """The cores this process may run on (os.cpu_count counts the whole host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CappedKernels(AsyncMappingKernelManager):
    """No more than ``max_kernels`` live kernels; past it a page is told the server is
    busy, unless kernels whose page has gone make room. ``start_kernel`` is a page's;
    Voilà's warm pools start theirs through :meth:`start_warm`."""

    max_kernels = Int(0, config=True,
                      help="Most live kernels, warm ones included; past it a page gets a "
                           "'Too busy' page.")
    boot_slots = Int(config=True, help="Kernels booting at once (default: the usable cores).")
    evict_after_seconds = Float(60, config=True,
                                help="A kernel with no page connected for this long may be "
                                     "shut down to make room.")

    @default("boot_slots")
    def _boot_slots_default(self) -> int:
        return _usable_cpus()

    def __new__(cls, *args, **kwargs):
        # Voilà makes a warm-pool subclass of this class when preheating, and its pool
        # methods override anything here: the pools' limits go in a subclass of that.
        return super().__new__(voila_internals.with_pool_limits(cls), *args, **kwargs)

    def __init__(self, **kwargs):
        self._starting = 0  # kernels being started, not yet listed by the manager
        self._closing = False
        self._started: set[str] = set()  # started in full: listed, with a last activity
        self._background: set[asyncio.Task] = set()  # held here: asyncio keeps weak refs
        super().__init__(**kwargs)
        if self.max_kernels < 1:
            raise LimitNotSet("casebook serve needs a cap on kernels: "
                              "--CappedKernels.max_kernels=N")
        self.boot_gate = BootGate(self.boot_slots)

    @property
    def evict_after(self) -> timedelta:
        return timedelta(seconds=self.evict_after_seconds)

    def live_kernels(self) -> int:
        return len(self.list_kernel_ids()) + self._starting

    def warm_kernel_ids(self) -> set[str]:
        return set()

    async def start_kernel(self, **kwargs):
        if kwargs.get("kernel_id") in self:  # an existing kernel: nothing new starts
            return await super().start_kernel(**kwargs)
        if _room_made.get():
            kernel_id = await super().start_kernel(**kwargs)
        else:
            await self._make_room()
            self._starting += 1  # no await since the room was checked: nobody takes it
            try:
                kernel_id = await super().start_kernel(**kwargs)
            finally:
                self._starting -= 1
        self._started.add(kernel_id)
        return kernel_id

    async def start_warm(self, start: Callable[[], Awaitable[T]],
                         ran: Callable[[T], asyncio.Future]) -> T:
        """Start a kernel for a warm pool with ``start()`` once there is room under the
        cap (taking that of pages gone a while, as a page would) and its turn at the
        boot gate, behind every waiting page. Its boot slot is held until ``ran`` of
        the result (its notebook's first run) is done, or WARMING_HOLD_SECONDS."""
        while True:
            while self.live_kernels() >= self.max_kernels and not self._closing:
                await self._evict_gone_pages()
                if self.live_kernels() >= self.max_kernels:
                    await asyncio.sleep(1)
            await self.boot_gate.acquire(background=True)
            if self._closing:
                await self.boot_gate.release()
                raise RuntimeError("the server is stopping: no more warm kernels")
            if self.live_kernels() < self.max_kernels:
                break
            await self.boot_gate.release()  # a page took the room while this waited
        self._starting += 1
        room = _room_made.set(True)
        try:
            result = await start()
        except BaseException:
            await self.boot_gate.release()
            raise
        finally:
            _room_made.reset(room)
            self._starting -= 1
        # The kernel is ready for a page now (one taking it waits for the notebook to
        # finish running); the boot slot is kept meanwhile, in the background.
        holding = asyncio.ensure_future(self._release_when_run(ran(result)))
        self._background.add(holding)
        holding.add_done_callback(self._background.discard)
        return result

    async def _release_when_run(self, run: asyncio.Future) -> None:
        try:
            await asyncio.wait([run], timeout=WARMING_HOLD_SECONDS)
        finally:
            await self.boot_gate.release()

    async def _evict_gone_pages(self) -> None:
        """Under the cap again if kernels whose page has gone allow it."""
        warm = self.warm_kernel_ids()
        listed = self.list_kernel_ids()
        # A kernel is listed a moment before its start is complete: only those
        # started in full have a last activity, and none of those is new.
        self._started.intersection_update(listed)
        states = [self._state(kernel_id, warm) for kernel_id in listed
                  if kernel_id in self._started]
        now = datetime.now(UTC)
        for kernel_id in evictable(states, now, self.evict_after):
            if self.live_kernels() < self.max_kernels:
                break
            if kernel_id not in self:
                continue  # another page or warming evicted it while this one waited
            self.log.info("Shutting down kernel %s (its page has gone) to make room", kernel_id)
            await self.shutdown_kernel(kernel_id)

    async def _make_room(self) -> None:
        await self._evict_gone_pages()
        if self.live_kernels() >= self.max_kernels:
            self.log.warning("A page was turned away: %d kernels, the most allowed",
                             self.max_kernels)
            raise KernelLimitReached(self.max_kernels)

    def _state(self, kernel_id: str, warm: set[str]) -> KernelState:
        model = self.kernel_model(kernel_id)
        return KernelState(kernel_id, model["connections"],
                           datetime.fromisoformat(model["last_activity"]), kernel_id in warm)

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True  # kernels still waiting to warm give up
        return await super().shutdown_all(*args, **kwargs)
