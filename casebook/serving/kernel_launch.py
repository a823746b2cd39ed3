"""A kernel that starts with its memory already limited.

``python .../kernel_launch.py --memory-mb=N -f CONNECTION_FILE`` sets its own data
memory limit (RLIMIT_DATA) and then becomes ipykernel (``exec``: the same process,
the same PID, so Jupyter still signals and stops the kernel it started). The
limit is in force before the kernel's first line runs, and every process the
kernel forks inherits it. Past it, the kernel's allocations fail with
MemoryError, which the app reports ("something went wrong") while the page and
every other one carry on.

The kernel spec that `casebook serve` gives Voilà runs this file by its path, not
with ``-m``: that would import the whole casebook package (half a second of
SQLAlchemy and pandas) just before ``exec`` throws it away. So it imports only
the standard library, and never the kernel itself.
"""

from __future__ import annotations

import os
import resource
import sys

FLAG = "--memory-mb="


def memory_limit(argv: list[str]) -> tuple[int, list[str]]:
    """The limit in bytes and the kernel's own arguments, from this launcher's.

    >>> memory_limit(["--memory-mb=512", "-f", "kernel.json"])
    (536870912, ['-f', 'kernel.json'])
    """
    if not argv or not argv[0].startswith(FLAG):
        raise ValueError(f"expected {FLAG}N first, found {' '.join(argv) or 'nothing'}")
    value = argv[0][len(FLAG):]
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{argv[0]} is not a limit: expected a whole number of MB")
    return int(value) * 2**20, argv[1:]


def limit_memory(limit: int) -> None:
    """Limit this process's data memory (soft and hard: the kernel cannot raise it)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # a stricter limit set from outside stays
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def main(argv: list[str] | None = None) -> None:
    try:
        limit, rest = memory_limit(sys.argv[1:] if argv is None else argv)
        limit_memory(limit)
    except (ValueError, OSError) as error:
        # No kernel at all rather than one without its limit.
        print(f"kernel_launch: {error}", file=sys.stderr)
        sys.exit(2)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *rest])


if __name__ == "__main__":
    main()
