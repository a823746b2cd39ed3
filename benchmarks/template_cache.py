"""What keeping compiled page templates saves: Voilà's CPU per page, with and without.

`casebook serve` keeps the compiled Jinja code of Voilà's page templates
(widgets.voila_app.SharedBytecode); Voilà alone compiles them afresh for every
page. This runs the Voilà of `casebook serve` (no warm kernels, so every page is
rendered) twice per round, with the cache and with it switched off inside the
server process, and asks each for the training app N times over plain HTTP. It
prints the CPU-seconds the server process used per page (its kernels excluded):
medians per server, and their ratio, round by round.

    .venv/bin/python benchmarks/template_cache.py [--pages 8] [--rounds 2]

No timing is asserted anywhere: this prints figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

from serve import ROOT, Server, cpu_seconds  # the serving benchmark's servers, beside this

sys.path.insert(0, str(ROOT))

from casebook import open_casebook  # noqa: E402  (after the path is set)
from casebook.serving.plan import plan  # noqa: E402

# The server process, with the cache switched off when asked: loading stored code
# is the only step skipped, so every page compiles its templates as Voilà does alone.
SERVER = """
import sys
import widgets.voila_app as app
if sys.argv[1] == "off":
    app.SharedBytecode.load_bytecode = lambda self, bucket: None
app.main(sys.argv[2:])
"""


def per_page(db: Path, cache: str, pages: int, folder: Path) -> list[float]:
    the_plan = plan(open_casebook(f"sqlite:///{db}"), pool=0, max_kernels=500)
    # serve.Server adds a free port of its own: leave out the plan's.
    voila_args = [arg for arg in
                  the_plan.command[the_plan.command.index("widgets.voila_app") + 1:]
                  if not arg.startswith("--port=")]
    server = Server(f"cache {cache}", [sys.executable, "-c", SERVER, cache, *voila_args],
                    env={**the_plan.environment, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                    log=folder / f"cache-{cache}.log").start()
    try:
        server.wait_for_port()
        used = []
        for _ in range(pages):
            before = cpu_seconds([server.process.pid])
            urllib.request.urlopen(server.url("voila/render/training.ipynb"), timeout=120).read()
            used.append(cpu_seconds([server.process.pid]) - before)
        return used
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8, help="pages per server")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "casebook.db"
        open_casebook(f"sqlite:///{db}").close()
        print("| Round | cache off: CPU-s per page (median) | cache on | ratio |")
        print("|---|---:|---:|---:|")
        for number in range(1, args.rounds + 1):
            off = statistics.median(per_page(db, "off", args.pages, Path(folder)))
            on = statistics.median(per_page(db, "on", args.pages, Path(folder)))
            print(f"| {number} | {off:.3f} | {on:.3f} | {off / on:.1f}x |", flush=True)
    print(f"\n{args.pages} pages per server; the first page of each includes compiling "
          "(both servers alike).")


if __name__ == "__main__":
    main()
