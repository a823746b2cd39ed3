"""The private parts of Voilà that `casebook serve` relies on, checked at start-up
against the one release constraints.txt pins: the check passes on the installed
Voilà, names each part that differs on another, and the server refuses to start on
one. No server starts here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import voila
import voila.app
import voila.exporter
import voila.notebook_renderer
import voila.tornado.handler
import voila.voila_kernel_manager
from voila.voila_kernel_manager import voila_kernel_manager_factory

from casebook import open_casebook
from casebook.serving.plan import plan
from widgets import voila_internals
from widgets.kernel_limits import CappedKernels
from widgets.voila_internals import UnsupportedVoila, problems, require

ROOT = Path(__file__).parent.parent


def _installed_voila(**replaced) -> SimpleNamespace:
    """The installed Voilà package as the check sees it, some modules replaced."""
    modules = {name: getattr(voila, name) for name in
               ("__version__", "app", "exporter", "notebook_renderer", "tornado",
                "voila_kernel_manager")}
    return SimpleNamespace(**{**modules, **replaced})


def test_the_installed_voila_is_the_supported_one_and_the_one_pinned():
    assert problems() == []
    require()
    pinned = re.search(r"^voila==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M)
    assert pinned and pinned.group(1) == voila_internals.SUPPORTED_VOILA == voila.__version__


def test_another_release_is_refused_in_one_line_naming_the_supported_one():
    assert problems(supported="0.6.0") == [f"found {voila.__version__}"]
    with pytest.raises(UnsupportedVoila) as refused:
        require(supported="0.6.0")
    message = str(refused.value)
    assert message == (f"casebook serve needs voila 0.6.0 (found {voila.__version__}): "
                       "install it with pip install -c constraints.txt -e .")
    assert "\n" not in message
    unversioned = _installed_voila()
    del unversioned.__version__
    assert problems(unversioned) == ["found an unknown version"]


def test_a_missing_private_part_is_named():
    renderer = SimpleNamespace(NotebookRenderer=voila.notebook_renderer.NotebookRenderer)
    found = problems(_installed_voila(notebook_renderer=renderer))
    assert found == [f"found {voila.__version__} without: voila.notebook_renderer makes its "
                     "exporter by the name VoilaExporter"]
    with pytest.raises(UnsupportedVoila, match="without: voila.notebook_renderer makes"):
        require(_installed_voila(notebook_renderer=renderer))


def test_pools_of_another_shape_are_named():
    def factory_without_pools(base_class, preheat_kernel, default_pool_size, **_):
        return base_class  # a Voilà that pooled kernels some other way

    found = problems(_installed_voila(voila_kernel_manager=SimpleNamespace(
        voila_kernel_manager_factory=factory_without_pools)))
    assert any("subclasses the given class with its warm pools" in p for p in found)
    assert any("_initialize(notebook_path, kernel_id, **kwargs)" in p for p in found)

    def factory_with_other_initialize(base_class, preheat_kernel, *args, **kwargs):
        made = voila_kernel_manager_factory(base_class, preheat_kernel, *args, **kwargs)
        if preheat_kernel:  # the factory makes a new class every call: change this one
            initialize = made._initialize

            async def _initialize(self, notebook, **kwargs):  # kernel_id dropped
                return await initialize(self, notebook, None, **kwargs)

            made._initialize = _initialize
        return made

    found = problems(_installed_voila(voila_kernel_manager=SimpleNamespace(
        voila_kernel_manager_factory=factory_with_other_initialize)))
    assert found == [f"found {voila.__version__} without: the warm pools' _initialize("
                     "notebook_path, kernel_id, **kwargs) starts its kernel with start_kernel "
                     "and returns its task and kernel_id"]


def test_every_part_checked_can_fail():
    bare = SimpleNamespace(__version__=voila_internals.SUPPORTED_VOILA)
    assert len(problems(bare)) == len(voila_internals.EXPECTED) >= 8


def test_voila_s_pooled_manager_gets_the_pool_limits_above_its_own_methods():
    pooled = voila_kernel_manager_factory(CappedKernels, True, 1)
    limited = voila_internals.with_pool_limits(pooled)
    order = limited.__mro__
    assert order.index(voila_internals.WarmPoolLimits) < order.index(pooled) \
        < order.index(CappedKernels)
    for name in ("_initialize", "get_pool_size", "get_rendered_notebook", "start_kernel"):
        assert getattr(limited, name) is getattr(voila_internals.WarmPoolLimits, name)
    assert voila_internals.with_pool_limits(limited) is limited
    unpooled = voila_kernel_manager_factory(CappedKernels, False, 0)
    assert voila_internals.with_pool_limits(unpooled) is unpooled
    assert voila_internals.with_pool_limits(CappedKernels) is CappedKernels


def test_app_pages_are_gated_and_a_voila_without_them_is_refused():
    page = voila.tornado.handler.TornadoVoilaHandler
    other = object()
    gated = voila_internals.gate_pages([("/a", other), ("/voila/render/(.*)", page, {"x": 1})])
    assert gated[0] == ("/a", other)
    assert issubclass(gated[1][1], page) and gated[1][1] is not page
    assert gated[1][::2] == ("/voila/render/(.*)", {"x": 1})
    with pytest.raises(UnsupportedVoila, match="serves no app page"):
        voila_internals.gate_pages([("/a", other)])


def test_the_page_renderer_keeps_compiled_templates(monkeypatch):
    import jinja2

    monkeypatch.setattr(voila.notebook_renderer, "VoilaExporter",
                        voila.notebook_renderer.VoilaExporter)  # put back afterwards
    cache = jinja2.BytecodeCache()
    voila_internals.keep_compiled_templates(cache)
    exporter = voila.notebook_renderer.VoilaExporter(template_name="lab")
    assert exporter._create_environment().bytecode_cache is cache


def _voila_app(tmp_path, *code: str, leave_out: str = "") -> subprocess.CompletedProcess:
    """Start widgets.voila_app as casebook serve would (after ``code``), with one of
    the plan's arguments left out if asked; it must refuse to start."""
    the_plan = plan(open_casebook(f"sqlite:///{tmp_path / 'casebook.db'}"), port=0)
    args = the_plan.command[the_plan.command.index("widgets.voila_app") + 1:]
    args = [arg for arg in args if not (leave_out and arg.startswith(leave_out))]
    script = "\n".join([*code, "import widgets.voila_app", f"widgets.voila_app.main({args!r})"])
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **the_plan.environment},
                          timeout=60)


# The two below start widgets.voila_app itself (a few seconds each: Voilà's imports);
# it refuses before it opens a port or starts a kernel.
@pytest.mark.slow
def test_the_server_refuses_another_voila_with_one_line_and_status_2(tmp_path):
    refused = _voila_app(tmp_path, "import widgets.voila_internals as shim",
                         "shim.SUPPORTED_VOILA = '0.6.0'")
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"casebook serve needs voila 0.6.0 (found {voila.__version__}): install it with "
        "pip install -c constraints.txt -e ."]


@pytest.mark.slow
@pytest.mark.parametrize("leave_out, says", [
    ("--CappedKernels.max_kernels", "needs a cap on kernels: --CappedKernels.max_kernels=N"),
    ("--LimitedKernelSpecs.memory_mb", "needs a kernel memory limit"),
    ("--VoilaConfiguration.multi_kernel_manager_class",
     "needs --VoilaConfiguration.multi_kernel_manager_class=widgets.kernel_limits."
     "CappedKernels (found jupyter_server.services.kernels.kernelmanager."
     "AsyncMappingKernelManager)"),
    ("--VoilaConfiguration.kernel_spec_manager_class",
     "needs --VoilaConfiguration.kernel_spec_manager_class=widgets.kernel_limits."
     "LimitedKernelSpecs (found jupyter_client.kernelspec.KernelSpecManager)"),
])
def test_the_server_refuses_to_start_without_a_limit(tmp_path, leave_out, says):
    refused = _voila_app(tmp_path, leave_out=leave_out)
    assert refused.returncode == 2, refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and says in refused.stderr, refused.stderr
