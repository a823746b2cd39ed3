"""Every private part of Voilà that `casebook serve` relies on, and its check.

Voilà has public settings for the kernel manager and kernel spec manager classes
(see :mod:`widgets.kernel_limits`); for the rest it has none:

- Warm pools (:class:`WarmPoolLimits`): when preheating, Voilà subclasses the
  configured kernel manager class with its pools (``_pools``, ``_initialize``,
  ``fill_if_needed``, ``get_pool_size``, ``get_rendered_notebook``), and their
  methods override the configured class's. Their share of the limits (warming
  waits for room and for its turn; pages take only ready kernels) goes in a
  subclass of Voilà's, made by :func:`with_pool_limits` when it is instantiated.
- Kept templates (:func:`keep_compiled_templates`): Voilà's page renderer makes
  its exporter by the module-level name ``voila.notebook_renderer.VoilaExporter``
  and a template environment per page (nbconvert's ``_create_environment``), with
  no setting for a Jinja bytecode cache.
- Gated pages (:func:`gate_pages`): app pages are served by
  ``voila.tornado.handler.TornadoVoilaHandler``, named in ``Voila.init_handlers``;
  there is no setting for the handler class.

All of it is checked against one Voilà release, :data:`SUPPORTED_VOILA` (the one
constraints.txt pins), at start-up by :func:`require`: on any other, or on one
whose parts differ, the server refuses to start rather than run without its
limits. This module imports Voilà's private modules only after that check (in
:func:`problems` and the installers), so a Voilà laid out differently is
reported in one line too.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
from collections.abc import Callable, Iterable
from types import CodeType
from typing import Any

import jinja2
import tornado.web

SUPPORTED_VOILA = "0.5.13"
INSTALL = "pip install -c constraints.txt -e ."
MODULES = ("app", "exporter", "notebook_renderer", "tornado.handler", "voila_kernel_manager")


class UnsupportedVoila(Exception):
    """The installed Voilà is not the one this module was written against."""


# --- The check -----------------------------------------------------------------------

def _names(function: Callable) -> set[str]:
    """The global and attribute names a function's code uses (nested code included)."""
    return set(_walk(function.__code__, "co_names"))


def _constants(function: Callable) -> set[Any]:
    return {c for c in _walk(function.__code__, "co_consts") if isinstance(c, str)}


def _walk(code: CodeType, field: str) -> Iterable[Any]:
    for item in getattr(code, field):
        if isinstance(item, tuple):
            yield from item
        else:
            yield item
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _walk(const, field)


def _parameters(function: Callable) -> list[str]:
    return list(inspect.signature(function).parameters)


class _Probe:
    """A stand-in base class, to see what Voilà's kernel manager factory makes of one."""


def _pooled(voila) -> type:
    return voila.voila_kernel_manager.voila_kernel_manager_factory(_Probe, True, 1)


def _unpooled(voila) -> type:
    return voila.voila_kernel_manager.voila_kernel_manager_factory(_Probe, False, 0)


# What each part relied on must look like; each is checked on its own, so a
# report names every part that differs.
EXPECTED: list[tuple[str, Callable[[Any], bool]]] = [
    ("voila.app.Voila.init_settings makes its kernel manager with "
     "voila_kernel_manager_factory from multi_kernel_manager_class, and gives it the "
     "kernel_spec_manager_class's instance",
     lambda v: {"voila_kernel_manager_factory", "multi_kernel_manager_class",
                "kernel_spec_manager_class", "kernel_spec_manager"}
     <= _names(v.app.Voila.init_settings)),
    ("voila_kernel_manager_factory subclasses the given class with its warm pools",
     lambda v: issubclass(_pooled(v), _Probe)
     and {"_initialize", "fill_if_needed", "get_pool_size", "get_rendered_notebook",
          "shutdown_all"} <= set(vars(_pooled(v)))
     and issubclass(_unpooled(v), _Probe) and "_initialize" not in vars(_unpooled(v))),
    ("the warm pools keep their kernels' start-up tasks in _pools",
     lambda v: "_pools" in _names(_pooled(v).__init__)
     and "_pools" in _names(_pooled(v).get_rendered_notebook)
     and "_pools" in _names(_pooled(v).get_pool_size)),
    ("the warm pools' _initialize(notebook_path, kernel_id, **kwargs) starts its kernel "
     "with start_kernel and returns its task and kernel_id",
     lambda v: _parameters(_pooled(v)._initialize)
     == ["self", "notebook_path", "kernel_id", "kwargs"]
     and "start_kernel" in _names(_pooled(v)._initialize)
     and {"task", "kernel_id"} <= _constants(_pooled(v)._initialize)),
    ("the warm pools' fill_if_needed(notebook_name=...) and "
     "get_rendered_notebook(notebook_name, ...)",
     lambda v: "notebook_name" in _parameters(_pooled(v).fill_if_needed)
     and _parameters(_pooled(v).get_rendered_notebook)[:2] == ["self", "notebook_name"]),
    ("voila.notebook_renderer makes its exporter by the name VoilaExporter",
     lambda v: "VoilaExporter" in _names(v.notebook_renderer.NotebookRenderer.initialize)
     and issubclass(v.notebook_renderer.VoilaExporter, v.exporter.VoilaExporter)),
    ("VoilaExporter._create_environment(self) makes the template environment",
     lambda v: _parameters(v.exporter.VoilaExporter._create_environment) == ["self"]),
    ("voila.app.Voila.init_handlers serves app pages with TornadoVoilaHandler.get(path)",
     lambda v: "TornadoVoilaHandler" in _names(v.app.Voila.init_handlers)
     and _parameters(v.tornado.handler.TornadoVoilaHandler.get) == ["self", "path"]),
]


def _installed():
    import voila

    for name in MODULES:
        importlib.import_module(f"voila.{name}")
    return voila


def problems(voila=None, *, supported: str | None = None) -> list[str]:
    """How the Voilà package differs from the one this module relies on (empty: it
    does not). ``voila`` is the package, its modules as attributes (by default the
    installed one); ``supported`` the release expected (default SUPPORTED_VOILA).

    >>> problems()
    []
    >>> problems(supported="0.4.0")
    ['found 0.5.13']
    """
    supported = supported or SUPPORTED_VOILA
    if voila is None:
        try:
            voila = _installed()
        except ImportError as error:
            return [f"voila cannot be imported as expected: {error}"]
    found = getattr(voila, "__version__", "an unknown version")
    if found != supported:
        return [f"found {found}"]
    differs = []
    for part, holds in EXPECTED:
        try:
            ok = holds(voila)
        except Exception:  # a part missing or changed: the report says which
            ok = False
        if not ok:
            differs.append(f"found {found} without: {part}")
    return differs


def require(voila=None, *, supported: str | None = None) -> None:
    """Raise :class:`UnsupportedVoila` with a one-line message unless the Voilà in use
    is the supported one, every part this module relies on as expected."""
    found = problems(voila, supported=supported)
    if found:
        raise UnsupportedVoila(f"casebook serve needs voila {supported or SUPPORTED_VOILA} "
                               f"({'; '.join(found)}): install it with {INSTALL}")


# --- Warm pools ----------------------------------------------------------------------

def _ready(task: asyncio.Future) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def _failed(task: asyncio.Future) -> bool:
    return task.done() and not _ready(task)


class WarmPoolLimits:
    """Above Voilà's warm pools: warming goes through the capped manager's
    ``start_warm`` (room under the cap, its turn at the boot gate, behind pages); a
    page gets a warm kernel only if one is started, and otherwise boots its own in
    its turn; warming that failed is tried again."""

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
        initialize = super()._initialize
        if kernel_id is not None:  # a restart runs the notebook again in the same kernel
            return await initialize(notebook_path, kernel_id, **kwargs)
        return await self.start_warm(lambda: initialize(notebook_path, None, **kwargs),
                                     ran=lambda content: content["task"])


def with_pool_limits(manager_class: type) -> type:
    """The class to instantiate for ``manager_class``: for Voilà's warm-pool subclass
    of the capped kernel manager, a subclass of it with :class:`WarmPoolLimits`;
    any other class (no preheating, or already limited) as it is."""
    if issubclass(manager_class, WarmPoolLimits) or "_initialize" not in vars(manager_class):
        return manager_class
    return _pool_limited(manager_class)


@functools.cache
def _pool_limited(manager_class: type) -> type:
    return type(f"Casebook{manager_class.__name__}", (WarmPoolLimits, manager_class), {})


# --- Kept templates and gated pages --------------------------------------------------

def keep_compiled_templates(cache: jinja2.BytecodeCache) -> None:
    """Make Voilà's page renderer use an exporter whose template environments share
    ``cache`` (once per process, before the first page)."""
    renderer = importlib.import_module("voila.notebook_renderer")

    class CachedVoilaExporter(renderer.VoilaExporter):
        def _create_environment(self):
            environment = super()._create_environment()
            environment.bytecode_cache = cache
            return environment

    renderer.VoilaExporter = CachedVoilaExporter


@functools.cache
def _gated_page_handler(page_handler: type) -> type:
    class GatedVoilaHandler(page_handler):
        """An app page: it boots (starts its kernel and runs the app) in its turn."""

        @tornado.web.authenticated
        async def get(self, path=None):
            # The identity provider may refuse this person this app (their roles).
            refuse = getattr(self.identity_provider, "refusal", None)
            refused = await refuse(self, path) if refuse else None
            if refused is not None:
                self.set_status(403)
                self.finish(refused)
                return
            async with self.kernel_manager.boot_gate.enter():
                await super().get(path=path)

    return GatedVoilaHandler


def gate_pages(handlers: list[tuple]) -> list[tuple]:
    """Voilà's handlers with every app page's handler waiting at the boot gate."""
    page = importlib.import_module("voila.tornado.handler").TornadoVoilaHandler
    gated = [(handler[0], _gated_page_handler(page), *handler[2:])
             if handler[1] is page else handler for handler in handlers]
    if gated == handlers:
        raise UnsupportedVoila(f"casebook serve needs voila {SUPPORTED_VOILA}: this one "
                               f"serves no app page with TornadoVoilaHandler")
    return gated
