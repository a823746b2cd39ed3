"""The project as a user installs it: a built wheel (not an editable checkout) in a fresh
virtual environment. A package-data glob that misses the migrations or the shipped
scenarios fails here, though every other test (run from the checkout) would pass."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "casebook" / "training" / "scenarios").glob("*.yaml"))

pytestmark = pytest.mark.slow


def _run(*command, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; its dependencies are borrowed from the test
    environment through a .pth line (nothing downloaded, and the checkout not on the path)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split("\n")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():  # built from what git tracks, as a fresh clone would be
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--quiet", "-w", work / "dist", source, cwd=work)
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("library_casebook-*.whl"))
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work).check_returncode()
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
                "--no-deps", "--quiet", wheel, cwd=work)
    assert done.returncode == 0, done.stderr
    return venv


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = _run(installed / "bin" / "python", "-c", "import casebook; print(casebook.__file__)",
                 cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(installed))


def test_init_scenarios_check_and_export_from_the_wheel(installed, tmp_path):
    casebook = installed / "bin" / "casebook"
    db = f"sqlite:///{tmp_path / 'casebook.db'}"
    init = _run(casebook, "init", "--db", db, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert init.stdout.strip().isdigit()  # the schema revision: the migrations shipped
    folder = _run(installed / "bin" / "python", "-c",
                  "from casebook.training.catalogue import SHIPPED; print(SHIPPED)",
                  cwd=tmp_path).stdout.strip()
    assert folder.startswith(str(installed))
    checked = _run(casebook, "scenarios", "check", folder, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(": ok: ") == len(SHIPPED) >= 11
    added = _run(casebook, "add", "--db", db, "--kind", "note", "--text", "From the wheel",
                 cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "entries.csv"
    exported = _run(casebook, "export", "--db", db, "--format", "csv", "--out", out,
                    cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "From the wheel" in out.read_text(encoding="utf-8-sig")
