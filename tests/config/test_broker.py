"""The embedded filesystem broker never hands a worker a message that is still being written."""

from __future__ import annotations

import multiprocessing

from kombu import Connection
from kombu.transport import filesystem

from config.broker import Transport

MESSAGES = 60
# Large enough that writing one takes many polls of the reader.
BODY = "x" * 2_000_000


def _channel(transport: type, folder) -> filesystem.Channel:
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    (folder / "processed").mkdir(exist_ok=True)
    return Connection(transport=transport, transport_options=options).channel()


def _race(channel: filesystem.Channel) -> list[dict]:
    """A writer process puts large messages while the reader polls the folder without pause."""

    def write() -> None:
        for n in range(MESSAGES):
            channel._put("q", {"n": n, "body": BODY})

    writer = multiprocessing.get_context("fork").Process(target=write)
    writer.start()
    got: list[dict] = []
    while True:
        # Sampled before the read: a writer done before an empty read has nothing more to give.
        finished = not writer.is_alive()
        try:
            got.append(channel._get("q"))
        except filesystem.Empty:
            if finished:
                break
    writer.join()
    return got


def test_a_message_is_read_only_once_it_is_whole(tmp_path):
    # kombu's own channel fails here with a JSONDecodeError on a half-written file.
    got = _race(_channel(Transport, tmp_path))
    # Files are taken in name order, and two written in the same millisecond may swap.
    assert sorted(m["n"] for m in got) == list(range(MESSAGES))
    assert all(m["body"] == BODY for m in got)
