"""Voilà as `casebook serve` runs it: a cap on live kernels, kernels booted a few
at a time with pages first, a memory limit on every kernel, and page templates
compiled once.

`casebook serve` starts this module in a child process (``python -m
widgets.voila_app [voila arguments]``). It lives with the widgets, on the UI side:
the casebook package never imports Voilà (nor ipywidgets), and names this module
only in the command it runs. The rules themselves, free of Voilà, are in
:mod:`casebook.serving.kernel_rules`.

The limits reach Voilà through its public settings, on the command line the plan
builds: ``--VoilaConfiguration.multi_kernel_manager_class`` and
``--VoilaConfiguration.kernel_spec_manager_class`` name the classes in
:mod:`widgets.kernel_limits`. What Voilà has no setting for (its warm pools, the
page handler, the template environment) is in :mod:`widgets.voila_internals`,
checked against the one Voilà release it was written for before anything starts.
Started without its limits, or on another Voilà, this server says so in one line
on stderr and exits with status 2.
"""

from __future__ import annotations

import sys

import jinja2
from voila.app import Voila

from widgets import voila_internals
from widgets.kernel_limits import CappedKernels, LimitedKernelSpecs, LimitNotSet


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


# The settings that carry the limits, and the class each must name (or a subclass).
LIMITED_SETTINGS = {"multi_kernel_manager_class": CappedKernels,
                    "kernel_spec_manager_class": LimitedKernelSpecs}


class CasebookVoila(Voila):
    """Voilà with the casebook's limits; it refuses to start without them."""

    def initialize(self, argv=None):
        voila_internals.require()
        voila_internals.keep_compiled_templates(SharedBytecode())
        super().initialize(argv)
        for setting, needed in LIMITED_SETTINGS.items():
            given = getattr(self.voila_configuration, setting)
            if not issubclass(given, needed):
                raise LimitNotSet(
                    f"casebook serve needs --VoilaConfiguration.{setting}="
                    f"{needed.__module__}.{needed.__qualname__} (found "
                    f"{given.__module__}.{given.__qualname__})")
            # Each refuses to be made without its limit: find out now, before start()
            # makes anything (Voilà makes its own when it starts).
            given(parent=self)

    def init_settings(self):
        settings = super().init_settings()
        if self.voila_configuration.preheat_kernel and not isinstance(
                self.kernel_manager, voila_internals.WarmPoolLimits):
            raise voila_internals.UnsupportedVoila(
                f"casebook serve needs voila {voila_internals.SUPPORTED_VOILA}: this one's "
                f"warm pools ({type(self.kernel_manager).__name__}) got no limits")
        return settings

    def init_handlers(self):
        return voila_internals.gate_pages(super().init_handlers())


def main(argv: list[str] | None = None) -> None:
    try:
        CasebookVoila.launch_instance(argv=argv)
    except (voila_internals.UnsupportedVoila, LimitNotSet) as refused:
        print(refused, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
