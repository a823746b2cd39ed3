"""How `casebook serve` shares a small machine among many pages: the rules, without Voilà.

Every open app page has a kernel of its own (a Python process of about 70–160 MB).
On a 2-core library PC, twenty learners opening the training app together would
otherwise start twenty kernels at once, all sharing the cores until every one of
them is slow. Two rules keep a training room usable:

- :class:`BootGate`: only as many kernels start (boot and run their app) at a time
  as there are cores, in the order people asked, and pages people are waiting for
  go before warming spare kernels for later.
- :func:`evictable`: when the cap on live kernels is reached, the kernels whose
  page has gone (closed, or lost its connection a while ago) make room first.

`widgets.kernel_limits` applies them inside Voilà.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta


class BootGate:
    """At most ``slots`` kernels booting at once; pages first, warming second.

    Waiters are served in the order they came (asyncio's Condition wakes them in
    order); a background waiter also lets every waiting page go first.
    """

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError(f"a boot gate needs at least one slot, not {slots}")
        self.slots = slots
        self.booting = 0
        self.pages_waiting = 0
        self._changed = asyncio.Condition()

    async def acquire(self, *, background: bool = False) -> None:
        async with self._changed:
            if not background:
                self.pages_waiting += 1
            try:
                await self._changed.wait_for(
                    lambda: self.booting < self.slots
                    and (not background or self.pages_waiting == 0))
            finally:
                if not background:
                    self.pages_waiting -= 1
                    self._changed.notify_all()  # background waiters may go now
            self.booting += 1

    async def release(self) -> None:
        async with self._changed:
            self.booting -= 1
            self._changed.notify_all()

    @asynccontextmanager
    async def enter(self, *, background: bool = False) -> AsyncIterator[None]:
        await self.acquire(background=background)
        try:
            yield
        finally:
            await self.release()


@dataclass(frozen=True)
class KernelState:
    """What Voilà's kernel manager knows of one live kernel."""
    kernel_id: str
    connections: int
    last_activity: datetime
    warm: bool  # started ahead, waiting in the pool for a page


def evictable(kernels: Iterable[KernelState], now: datetime,
              grace: timedelta) -> list[str]:
    """Kernels that may be shut down to make room, longest unused first.

    Only kernels with no page connected and nothing heard for at least ``grace``
    qualify: a kernel just started for a page has no connection until the browser
    has loaded the page, and a page whose network blinked reconnects within
    seconds. Warm kernels are kept: they are the quickest way to serve the next page.

    >>> t = datetime(2026, 11, 23, 10, 0)
    >>> kernels = [KernelState("open", 1, t, False),
    ...            KernelState("closed-long-ago", 0, t - timedelta(minutes=9), False),
    ...            KernelState("closed-just-now", 0, t - timedelta(seconds=5), False),
    ...            KernelState("closed-earlier", 0, t - timedelta(minutes=2), False),
    ...            KernelState("warm", 0, t - timedelta(minutes=30), True)]
    >>> evictable(kernels, t, timedelta(minutes=1))
    ['closed-long-ago', 'closed-earlier']
    """
    gone = [k for k in kernels
            if not k.warm and k.connections <= 0 and now - k.last_activity >= grace]
    return [k.kernel_id for k in sorted(gone, key=lambda k: k.last_activity)]
