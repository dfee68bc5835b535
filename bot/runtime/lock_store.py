"""Conversation locks shared by the Sanic workers of one Rasa server, so that it can use every core.

Rasa runs more than one worker process only with a lock store that reaches across processes (Redis, or a custom
one like this), because two turns of one conversation must never run at the same time. Here Rasa's in-memory lock
store orders the turns inside one worker, and an exclusive byte-range lock (fcntl) on one shared file, at an offset
derived from the conversation id, orders them across the workers. The kernel drops such a lock when its process
dies, so a crashed worker never leaves a conversation locked. Several machines need Redis (README, "Productie").
"""

import asyncio
import errno
import fcntl
import hashlib
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore
from rasa.utils.endpoints import EndpointConfig

from bot import settings

RETRY_SECONDS = 0.005


def offset(conversation_id: str) -> int:
    """A byte in a 2^56-byte range (far below the largest file offset): two conversations share one by chance only."""
    return int.from_bytes(hashlib.blake2b(conversation_id.encode(), digest_size=7).digest(), "big")


class MachineLockStore(InMemoryLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__()
        self.file = None  # opened in the worker on first use: byte-range locks belong to a process

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        # Rasa polls its ticket lock every wait_time_in_seconds (1 s): a message that arrives while another of the
        # same conversation is handled (a double click, a flood) would wait up to a second for nothing.
        async with super().lock(conversation_id, lock_lifetime, RETRY_SECONDS) as ticket_lock:
            if self.file is None:
                settings.LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
                self.file = settings.LOCK_FILE.open("a")
            byte = offset(conversation_id)
            while True:
                try:
                    fcntl.lockf(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, byte)
                    break
                except OSError as error:  # another worker holds it: EAGAIN or EACCES, depending on the system
                    if error.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    await asyncio.sleep(RETRY_SECONDS)
            try:
                yield ticket_lock
            finally:
                fcntl.lockf(self.file, fcntl.LOCK_UN, 1, byte)
