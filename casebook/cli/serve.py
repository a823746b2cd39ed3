"""The serve sub-command: every app, one command."""

from __future__ import annotations

import argparse

from ..serving.plan import KERNEL_MEMORY_MB, MAX_KERNELS, plan, serve
from .common import open_casebook_of


def cmd_serve(args: argparse.Namespace) -> int:
    return serve(plan(open_casebook_of(args), host=args.host, port=args.port,
                      scenarios=args.scenarios, pool=args.pool, base_url=args.base_url,
                      max_kernels=args.max_kernels,
                      kernel_memory=args.kernel_memory))


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    serving = command("serve", cmd_serve,
                      "Serve every app (training, meet-up capture, dashboard) with Voila and a "
                      "landing page; offline, with warm kernels; everyone signs in with their own "
                      "account once any account exists, and always beyond this machine.")
    serving.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1: this machine only)")
    serving.add_argument("--port", type=int, default=8866)
    serving.add_argument("--scenarios", metavar="DIR",
                         help="a folder of extra scenarios (files that fail their checks are "
                              "left out, and listed at start-up)")
    serving.add_argument("--pool", type=int, default=1, metavar="N",
                         help="kernels kept warm per app (0 to 8, default 1)")
    serving.add_argument("--max-kernels", type=int, default=MAX_KERNELS, metavar="N",
                         help="most app pages open at once, warm kernels included (default "
                              f"{MAX_KERNELS}); past it a page says the server is busy")
    serving.add_argument("--kernel-memory", type=int, default=KERNEL_MEMORY_MB, metavar="MB",
                         help=f"memory limit of each page's kernel (default {KERNEL_MEMORY_MB})")
    serving.add_argument("--base-url", default="/", metavar="/PREFIX/",
                         help="path prefix when behind a reverse proxy (default /)")
