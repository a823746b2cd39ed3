"""The casebook package's layers, checked from its import statements.

- Importing every module of ``casebook`` loads no UI library (ipywidgets, Voilà, the
  Jupyter server, IPython), so the CLI and other programs can use it without Jupyter.
- The feature packages import the flat core, not each other, except where a rule
  below allows it; and no module imports itself round a cycle.
- Every third-party module the product imports is declared in pyproject.toml.

Each rule is also run on a small made-up import graph that breaks it, so a rule
that could never fail would show here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "casebook"
UI = ("ipywidgets", "voila", "jupyter_server", "tornado", "IPython", "ipykernel")
FEATURES = ("store", "exchange", "training", "serving", "cli")
# What each part may import, besides itself. The core may use the store (every read
# and write goes through it); the store knows only the core's errors.
ALLOWED = {
    "core": {"core", "store"},
    "store": {"casebook.errors"},
    "exchange": {"core", "store"},
    "training": {"core", "store"},
    # The start-up banner lists scenario files left out, and why.
    "serving": {"core", "store", "casebook.training.catalogue"},
    "cli": {"core", "store", "exchange", "training", "serving"},
}

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


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every casebook module a file imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "casebook"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "casebook":
                continue
            if node.module is None:  # from . import a, b: the modules a and b
                found |= {f"{target}.{a.name}" for a in node.names}
            else:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")
            if "migrations" not in p.parts}


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else "core"


def broken_rules(graph: dict[str, set[str]]) -> list[str]:
    broken = []
    for module, targets in sorted(graph.items()):
        mine = part_of(module)
        allowed = ALLOWED[mine] | {mine}
        for target in sorted(targets):
            theirs = part_of(target)
            if module == "casebook" or theirs in allowed or target in allowed:
                continue  # the package's own __init__ gathers the public API
            broken.append(f"{module} ({mine}) imports {target} ({theirs})")
    return broken


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles, each as the modules round it (depth-first search)."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_importing_all_of_casebook_loads_no_ui_library():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            check=True)
    modules, loaded = result.stdout.split("\n")[:2]
    assert int(modules) >= 30  # the walk found the package's modules
    assert loaded == ""


@pytest.mark.slow
def test_the_check_sees_a_ui_library_when_one_is_loaded():
    result = subprocess.run([sys.executable, "-c", "import widgets.voila_app\n" + CHECK],
                            capture_output=True, text=True, check=True)
    assert "voila" in result.stdout.split("\n")[1].split()


def test_casebook_is_core_plus_feature_packages():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(FEATURES)


def test_feature_packages_import_only_what_their_rule_allows():
    graph = import_graph()
    assert len(graph) >= 35 and graph["casebook.exchange.merge"]  # the graph was read
    assert broken_rules(graph) == []


def test_each_rule_can_fail():
    made_up = {
        "casebook.training.play": {"casebook.exchange.flat"},
        "casebook.exchange.flat": {"casebook.training.format"},
        "casebook.serving.plan": {"casebook.exchange.report", "casebook.training.catalogue"},
        "casebook.store.engine": {"casebook.entries"},
        "casebook.entries": {"casebook.training.attempts", "casebook.store"},
    }
    assert broken_rules(made_up) == [
        "casebook.entries (core) imports casebook.training.attempts (training)",
        "casebook.exchange.flat (exchange) imports casebook.training.format (training)",
        "casebook.serving.plan (serving) imports casebook.exchange.report (exchange)",
        "casebook.store.engine (store) imports casebook.entries (core)",
        "casebook.training.play (training) imports casebook.exchange.flat (exchange)",
    ]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_a_cycle_is_found():
    made_up = {"casebook.a": {"casebook.b"}, "casebook.b": {"casebook.c"},
               "casebook.c": {"casebook.a"}, "casebook.d": {"casebook.a"}}
    assert cycles(made_up) == [["casebook.a", "casebook.b", "casebook.c", "casebook.a"]]


# Import names whose distribution on PyPI is called something else.
DISTRIBUTIONS = {"yaml": "pyyaml", "sqlalchemy": "sqlalchemy", "jinja2": "jinja2",
                 "argon2": "argon2_cffi"}


def third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found = set()
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            found |= {n.split(".")[0] for n in names if n}
    return found - stdlib - {"casebook", "widgets", "__future__"}


def test_every_third_party_import_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {d.split(";")[0].split("[")[0].split(">")[0].split("<")[0].split("=")[0]
                .strip().lower().replace("-", "_") for d in project["dependencies"]}
    used = {DISTRIBUTIONS.get(n, n).lower() for n in third_party_imports()}
    assert "mistune" in used and "sqlalchemy" in used  # the scan found imports
    assert sorted(used - declared) == []
