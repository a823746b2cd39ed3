"""Many writers at once lose nothing, and whatever was printed was committed."""

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from casebook import EntryFilter, count_entries, get_entry, open_casebook

WRITERS = 8
LINES = 250


def writer(db_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "casebook.cli", "add", "--db", db_url, "--jsonl", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k != "CASEBOOK_DB"},
    )


def lines_for(writer_number: int, count: int) -> str:
    return "".join(
        json.dumps({"kind": "note", "text": f"writer {writer_number} line {i}",
                    "themes": ["Capacity"], "service": f"Service {writer_number}"}) + "\n"
        for i in range(count)
    )


@pytest.mark.slow
def test_eight_writers_streaming_at_once_lose_nothing(db_url):
    open_casebook(db_url).close()  # created first: this test is about writes, not set-up
    children = [writer(db_url) for _ in range(WRITERS)]
    # Feed every writer from its own thread so all eight stream at the same time.
    outputs: list[tuple[str, str]] = [("", "")] * WRITERS

    def feed(n: int) -> None:
        outputs[n] = children[n].communicate(lines_for(n, LINES), timeout=600)

    threads = [threading.Thread(target=feed, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stderr = "".join(err for _, err in outputs)
    assert "locked" not in stderr and "busy" not in stderr.lower(), stderr
    assert [c.returncode for c in children] == [0] * WRITERS, stderr
    printed = [u for out, _ in outputs for u in out.split()]
    assert len(printed) == WRITERS * LINES == len(set(printed))
    cb = open_casebook(db_url)
    assert count_entries(cb) == WRITERS * LINES
    for n in range(WRITERS):
        assert count_entries(cb, EntryFilter(services=f"Service {n}")) == LINES


def test_a_killed_writer_loses_no_entry_it_printed(db_url):
    open_casebook(db_url).close()
    child = writer(db_url)
    # Keep the pipe full so the writer is mid-transaction when the signal lands.
    feeder = threading.Thread(target=lambda: _feed_until_broken(child), daemon=True)
    feeder.start()
    printed = []
    while len(printed) < 40:
        line = child.stdout.readline()
        assert line, child.stderr.read()
        printed.append(line.strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    printed += [u for u in child.stdout.read().split() if u]  # anything flushed before death
    cb = open_casebook(db_url)
    for entry_id in printed:
        assert get_entry(cb, entry_id).text.startswith("writer 0 line")
    assert count_entries(cb) >= len(printed)


def _feed_until_broken(child: subprocess.Popen) -> None:
    try:
        for i in range(100_000):
            child.stdin.write(lines_for(0, 1).replace("line 0", f"line {i}"))
            child.stdin.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
