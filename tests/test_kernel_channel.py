"""The page's kernel channel carries widget messages only: code sent down it never
runs. Voilà lets only comm messages, kernel_info_request and shutdown_request through
that websocket (``allowed_message_types`` in voila/app.py); this pins it against the
server `casebook serve` runs, so that an upgrade which lost it would fail here."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from tornado.websocket import websocket_connect

from casebook import open_casebook

from servers import PlannedServer

KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def _message(msg_type: str, content: dict) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": uuid.uuid4().hex,
              "username": "attacker", "date": "2026-12-02T00:00:00Z", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                       "content": content, "channel": "shell", "buffers": []})


async def _send_and_listen(url: str, messages: list[str], seconds: float) -> list[dict]:
    connection = await websocket_connect(url)
    for message in messages:
        await connection.write_message(message)
    heard = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        try:
            text = await asyncio.wait_for(connection.read_message(), deadline - loop.time())
        except TimeoutError:
            break
        if text is None:
            break
        if isinstance(text, str):
            heard.append(json.loads(text))
    connection.close()
    return heard


def test_code_sent_down_the_pages_kernel_channel_never_runs(tmp_path):
    db = tmp_path / "casebook.db"
    open_casebook(f"sqlite:///{db}").close()
    marker = tmp_path / "ran.txt"
    server = PlannedServer(db, log=tmp_path / "voila.log", pool=0)
    server.wait()
    try:
        page = urllib.request.urlopen(server.url + "voila/render/training.ipynb",
                                      timeout=120).read().decode()
        kernel = KERNEL_ID.search(page).group(1)
        channel = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels"
        code = f"open({str(marker)!r}, 'w').write('ran')"
        listening = _send_and_listen(channel, [
            _message("execute_request", {"code": code, "silent": False, "store_history": False,
                                         "user_expressions": {}, "allow_stdin": False}),
            _message("kernel_info_request", {}),  # proof the channel itself answers
        ], seconds=8)
        # A thread of its own: an earlier test (Playwright's sync API) may have left an
        # event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            heard = thread.submit(asyncio.run, listening).result()
        kinds = [m["header"]["msg_type"] for m in heard]
        assert "kernel_info_reply" in kinds, kinds  # so the test could have seen a reply
        assert "execute_reply" not in kinds and "execute_input" not in kinds, kinds
        assert not marker.exists()
    finally:
        server.stop()
