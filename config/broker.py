"""The embedded broker: kombu's filesystem transport, each message written whole before it shows.

kombu 5.7 creates a message's file under its final name and then writes into it, while a
worker polling the folder may move and read that file in between (its lock is advisory, and the
reader takes none). The worker then reads an empty or half-written JSON document and stops
(celery/kombu#1551, still open), and with it `make run`. Here a message is written under a name
the reader skips and renamed into place once complete, which POSIX does in one step.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu's base channel and its filesystem channel name the argument differently.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # The reader takes files whose name after the first dot is "<queue>.msg"; the trailing
        # ".part" keeps it away until the rename.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
