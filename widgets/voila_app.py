"""Voilà as `casebook serve` runs it: a cap on live kernels, kernels booted a few
at a time with pages first, and a memory limit on every kernel.

`casebook serve` starts this module in a child process (``python -m
widgets.voila_app [limits] [voila arguments]``). It lives with the widgets, on the
UI side: the casebook package never imports Voilà (nor ipywidgets), and names
this module only in the command it runs. The rules themselves, free of Voilà,
are in :mod:`casebook.kernel_budget`.

Voilà has no settings for any of this. Its kernel manager class is made by a
factory inside ``Voila.init_settings``, so :class:`CasebookVoila` hands that
factory's result to :func:`limited` for a subclass; it serves app pages with a
handler that waits at the boot gate; and its page renderer keeps compiled
templates (:class:`SharedBytecode`). All lean on Voilà 0.5's internals (the warm
pools especially): pyproject pins voila below 0.6, and tests/test_kernel_limits.py
checks each behaviour on a real server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
from dataclasses import dataclass
from datetime import timedelta

import jinja2
import tornado.web
import voila.app as voila_app
import voila.notebook_renderer
from jupyter_server._tz import utcnow
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.tornado.handler import TornadoVoilaHandler

from casebook.serving.kernel_rules import BootGate, KernelState, evictable

# A warming kernel holds its boot slot until its notebook has run, or this long
# (the dashboard's notebook waits for its page, so it never finishes while warming;
# its imports take about 2 s).
WARMING_HOLD_SECONDS = 3


@dataclass(frozen=True)
class Limits:
    max_kernels: int
    kernel_memory_mb: int
    boot_slots: int
    evict_after: timedelta


class KernelLimitReached(tornado.web.HTTPError):
    def __init__(self, max_kernels: int):
        super().__init__(
            503, "All %d app sessions this server allows are in use. Close app tabs you "
            "have finished with, or try again in a few minutes.", max_kernels,
            reason="Too busy")


def _ready(task: asyncio.Future) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def _failed(task: asyncio.Future) -> bool:
    return task.done() and not _ready(task)


class CappedKernels:
    """Kernel-manager mixin: no more than ``limits.max_kernels`` live kernels, each
    with its memory limited. ``start_kernel`` is a page's (Voilà's warm pools start
    theirs past it, see :class:`WarmPoolLimits`)."""

    limits: Limits

    def __init__(self, **kwargs):
        self._starting = 0  # kernels being started, not yet listed by the manager
        self._closing = False
        self._background: set[asyncio.Task] = set()  # held here: asyncio keeps weak refs
        self.boot_gate = BootGate(self.limits.boot_slots)
        super().__init__(**kwargs)

    def live_kernels(self) -> int:
        return len(self.list_kernel_ids()) + self._starting

    def warm_kernel_ids(self) -> set[str]:
        return set()

    async def start_kernel(self, **kwargs):
        if kwargs.get("kernel_id") in self:  # an existing kernel: nothing new starts
            return await super().start_kernel(**kwargs)
        await self._make_room()
        self._starting += 1  # no await since the room was checked: nobody takes it
        try:
            kernel_id = await super().start_kernel(**kwargs)
        finally:
            self._starting -= 1
        self._limit_memory(kernel_id)
        return kernel_id

    async def _evict_gone_pages(self) -> None:
        """Under the cap again if kernels whose page has gone allow it."""
        warm = self.warm_kernel_ids()
        states = [self._state(kernel_id, warm) for kernel_id in self.list_kernel_ids()]
        for kernel_id in evictable(states, utcnow(), self.limits.evict_after):
            if self.live_kernels() < self.limits.max_kernels:
                break
            if kernel_id not in self:
                continue  # another page or warming evicted it while this one waited
            self.log.info("Shutting down kernel %s (its page has gone) to make room", kernel_id)
            await self.shutdown_kernel(kernel_id)

    async def _make_room(self) -> None:
        await self._evict_gone_pages()
        if self.live_kernels() >= self.limits.max_kernels:
            self.log.warning("A page was turned away: %d kernels, the most allowed",
                             self.limits.max_kernels)
            raise KernelLimitReached(self.limits.max_kernels)

    def _state(self, kernel_id: str, warm: set[str]) -> KernelState:
        model = self.kernel_model(kernel_id)
        last = getattr(self.get_kernel(kernel_id), "last_activity", None) or utcnow()
        return KernelState(kernel_id, model["connections"], last, kernel_id in warm)

    def _limit_memory(self, kernel_id: str) -> None:
        """Cap the kernel's data memory, so one runaway page cannot starve the rest:
        past the limit its allocations fail with MemoryError, which the app reports
        ("something went wrong") while the page and every other one carry on."""
        limit = self.limits.kernel_memory_mb * 2**20
        pid = getattr(self.get_kernel(kernel_id).provisioner, "pid", None)
        try:
            resource.prlimit(pid, resource.RLIMIT_DATA, (limit, limit))
        except (OSError, ValueError, TypeError) as error:
            self.log.warning("Could not limit the memory of kernel %s: %s", kernel_id, error)

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True  # kernels still waiting to warm give up
        return await super().shutdown_all(*args, **kwargs)


class WarmPoolLimits:
    """Mixin for Voilà's warm-kernel pools: warming waits for room under the cap (taking
    that of pages gone a while, as a page would) and for its turn at the boot gate,
    behind pages; a page gets a warm kernel only if one is started, and otherwise
    boots its own in its turn."""

    def warm_kernel_ids(self) -> set[str]:
        return {task.result()["kernel_id"]
                for pool in self._pools.values() for task in pool if _ready(task)}

    def get_pool_size(self, notebook_name: str) -> int:
        return sum(_ready(task) for task in self._pools.get(notebook_name, ()))

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        # Voilà takes the pool's first kernel, ready or not: put the ready ones first.
        pool = self._pools.get(notebook_name, [])
        pool[:] = sorted((task for task in pool if not _failed(task)),
                         key=lambda task: not _ready(task))
        return await super().get_rendered_notebook(notebook_name, *args, **kwargs)

    async def start_kernel(self, **kwargs):
        kernel_id = await super().start_kernel(**kwargs)
        self._refill_pools()
        return kernel_id

    def _refill_pools(self) -> None:
        """Warming that failed is tried again (Voilà itself refills a pool only when a
        page takes from it, and pages take only ready kernels)."""
        for notebook_name, pool in self._pools.items():
            if any(_failed(task) for task in pool) and not self._closing:
                pool[:] = [task for task in pool if not _failed(task)]
                self.fill_if_needed(notebook_name=notebook_name)

    async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs):
        if kernel_id is not None:  # a restart runs the notebook again in the same kernel
            return await super()._initialize(notebook_path, kernel_id, **kwargs)
        while True:
            while self.live_kernels() >= self.limits.max_kernels and not self._closing:
                await self._evict_gone_pages()
                if self.live_kernels() >= self.limits.max_kernels:
                    await asyncio.sleep(1)
            await self.boot_gate.acquire(background=True)
            if self._closing:
                await self.boot_gate.release()
                raise RuntimeError("the server is stopping: no more warm kernels")
            if self.live_kernels() < self.limits.max_kernels:
                break
            await self.boot_gate.release()  # a page took the room while this waited
        self._starting += 1
        try:
            content = await super()._initialize(notebook_path, None, **kwargs)
        except BaseException:
            await self.boot_gate.release()
            raise
        finally:
            self._starting -= 1
        self._limit_memory(content["kernel_id"])
        # The kernel is ready for a page now (one taking it waits for the notebook to
        # finish running); the boot slot is kept meanwhile, in the background.
        holding = asyncio.ensure_future(self._release_when_run(content["task"]))
        self._background.add(holding)
        holding.add_done_callback(self._background.discard)
        return content

    async def _release_when_run(self, render: asyncio.Task) -> None:
        try:
            await asyncio.wait([render], timeout=WARMING_HOLD_SECONDS)
        finally:
            await self.boot_gate.release()


def limited(manager_class: type, limits: Limits) -> type:
    """A subclass of Voilà's kernel manager class with the casebook's limits."""
    mixins = (WarmPoolLimits, CappedKernels) if hasattr(manager_class, "_initialize") \
        else (CappedKernels,)
    return type(f"Casebook{manager_class.__name__}", (*mixins, manager_class),
                {"limits": limits})


class GatedVoilaHandler(TornadoVoilaHandler):
    """An app page: it boots (starts its kernel and runs the app) in its turn."""

    @tornado.web.authenticated
    async def get(self, path=None):
        async with self.kernel_manager.boot_gate.enter():
            await super().get(path=path)


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled page templates, kept for the life of the server.

    Voilà makes a new template environment for every page it renders, and so
    compiled the same templates again each time: a third of the server's CPU in a
    class of 20 opening the training app. Jinja checks each template's source
    checksum before using its stored code.
    """

    def __init__(self):
        self._code: dict[tuple[str, bool], bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get((bucket.key, bucket.environment.is_async))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[(bucket.key, bucket.environment.is_async)] = bucket.bytecode_to_string()


class CachedVoilaExporter(VoilaExporter):
    bytecode = SharedBytecode()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = self.bytecode
        return environment


class CasebookVoila(Voila):
    limits: Limits

    def initialize(self, argv=None):
        # Voilà's page renderer makes its exporter by this module-level name.
        voila.notebook_renderer.VoilaExporter = CachedVoilaExporter
        super().initialize(argv)

    def init_settings(self):
        make_manager = voila_app.voila_kernel_manager_factory

        def limited_factory(*args, **kwargs):
            return limited(make_manager(*args, **kwargs), self.limits)

        voila_app.voila_kernel_manager_factory = limited_factory
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = make_manager

    def init_handlers(self):
        return [(handler[0], GatedVoilaHandler, *handler[2:])
                if handler[1] is TornadoVoilaHandler else handler
                for handler in super().init_handlers()]


def _usable_cpus() -> int:
    """The cores this process may run on (os.cpu_count counts the whole host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def limits_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--max-kernels", type=int, required=True)
    parser.add_argument("--kernel-memory-mb", type=int, required=True)
    parser.add_argument("--boot-slots", type=int, default=_usable_cpus())
    parser.add_argument("--evict-after-seconds", type=float, default=60)
    return parser


def main(argv: list[str] | None = None) -> None:
    known, voila_argv = limits_parser().parse_known_args(argv)
    CasebookVoila.limits = Limits(known.max_kernels, known.kernel_memory_mb, known.boot_slots,
                                  timedelta(seconds=known.evict_after_seconds))
    CasebookVoila.launch_instance(argv=voila_argv)


if __name__ == "__main__":
    main()
