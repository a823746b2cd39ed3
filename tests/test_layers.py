"""The casebook package is the core: importing every one of its modules loads no UI
library (ipywidgets, Voila, the Jupyter server, IPython), so the CLI and other
programs can use it without Jupyter."""

from __future__ import annotations

import subprocess
import sys

UI = ("ipywidgets", "voila", "jupyter_server", "tornado", "IPython", "ipykernel")

CHECK = f"""
import importlib, pkgutil, sys
import casebook
names = [m.name for m in pkgutil.walk_packages(casebook.__path__, "casebook.")
         if ".migrations" not in m.name and not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(" ".join(sorted({{m.split(".")[0] for m in sys.modules}} & set({UI!r}))))
"""


def test_importing_all_of_casebook_loads_no_ui_library():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            check=True)
    modules, loaded = result.stdout.split("\n")[:2]
    assert int(modules) >= 30  # the walk found the package's modules
    assert loaded == ""


def test_the_check_sees_a_ui_library_when_one_is_loaded():
    result = subprocess.run([sys.executable, "-c", "import widgets.voila_app\n" + CHECK],
                            capture_output=True, text=True, check=True)
    assert "voila" in result.stdout.split("\n")[1].split()
