"""The lock store that lets one Rasa server run several worker processes: two turns of one conversation never run
at the same time, in one worker or across workers, and a worker that dies does not leave its conversation locked."""

import asyncio
import multiprocessing
import os
import time

import pytest

from bot import settings
from bot.runtime import lock_store
from bot.runtime.lock_store import MachineLockStore

HOLD_SECONDS = 1.0


@pytest.fixture(autouse=True)
def lock_file(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "LOCK_FILE", tmp_path / "conversation-locks")


def hold(conversation: str, locked, crash: bool) -> None:
    """In another worker process: lock the conversation, say so, then finish the turn, or die in the middle of it."""

    async def turn():
        async with MachineLockStore().lock(conversation):
            locked.set()
            if crash:
                os._exit(1)
            await asyncio.sleep(HOLD_SECONDS)

    asyncio.run(turn())


def seconds_to_lock(conversation: str) -> float:
    async def wait():
        started = time.monotonic()
        async with MachineLockStore().lock(conversation):
            return time.monotonic() - started

    return asyncio.run(wait())


def other_worker(conversation: str, crash: bool = False) -> multiprocessing.Process:
    fork = multiprocessing.get_context("fork")  # as Sanic starts its workers
    locked = fork.Event()
    worker = fork.Process(target=hold, args=(conversation, locked, crash))
    worker.start()
    assert locked.wait(10), "the other worker did not get the lock"
    return worker


def test_a_turn_waits_while_another_worker_handles_the_same_conversation():
    worker = other_worker("gesprek-1")
    try:
        assert seconds_to_lock("gesprek-1") > HOLD_SECONDS / 2
    finally:
        worker.join(10)


def test_other_conversations_do_not_wait():
    worker = other_worker("gesprek-1")
    try:
        assert seconds_to_lock("gesprek-2") < HOLD_SECONDS / 4
    finally:
        worker.join(10)


def test_a_worker_that_dies_mid_turn_leaves_the_conversation_free():
    worker = other_worker("gesprek-1", crash=True)
    worker.join(10)
    assert worker.exitcode == 1
    assert seconds_to_lock("gesprek-1") < HOLD_SECONDS / 4


def test_turns_of_one_conversation_in_one_worker_take_turns():
    store, order = MachineLockStore(), []

    async def turn(name: str):
        async with store.lock("gesprek-1", wait_time_in_seconds=0.01):
            order.append(f"{name} begint")
            await asyncio.sleep(0.05)
            order.append(f"{name} klaar")

    async def both():
        await asyncio.gather(turn("a"), turn("b"))

    asyncio.run(both())
    assert order == ["a begint", "a klaar", "b begint", "b klaar"]


def test_distinct_conversations_get_distinct_bytes():
    offsets = {lock_store.offset(f"gesprek-{number}") for number in range(10_000)}
    assert len(offsets) == 10_000
