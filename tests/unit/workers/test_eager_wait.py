"""`EagerWaitFirst`: the first coroutine runs at once; the race is built only when it has to wait."""

from __future__ import annotations

import asyncio

import pytest
from mode import Service

from workers.eager_wait import EagerWaitFirst


class Fetcher(EagerWaitFirst, Service):
    """A mode service with the eager `wait_first`, as faust's consumer has it."""


def test_a_callback_that_finishes_at_once_wins_without_a_task() -> None:
    async def scenario() -> tuple[list[object], int]:
        service = Fetcher()
        tasks_before = len(asyncio.all_tasks())
        delivered: list[str] = []

        async def deliver() -> str:
            delivered.append("message")
            return "done"

        flow = asyncio.Event()
        result = await service.wait_first(deliver(), flow.wait())
        assert len(asyncio.all_tasks()) == tasks_before
        return result.results, len(delivered)

    results, delivered = asyncio.run(scenario())
    assert (["done"], 1) == (results, delivered)


def test_a_callback_that_waits_finishes_in_the_race() -> None:
    async def scenario() -> list[object]:
        service = Fetcher()
        room = asyncio.get_running_loop().create_future()

        async def deliver() -> str:
            await room  # a full queue
            return "delivered after waiting"

        asyncio.get_running_loop().call_later(0.01, room.set_result, None)
        result = await service.wait_first(deliver(), asyncio.Event().wait())
        return list(result.results)

    assert ["delivered after waiting"] == asyncio.run(scenario())


def test_a_flow_suspension_wins_over_a_waiting_callback_which_is_cancelled() -> None:
    async def scenario() -> tuple[bool, bool]:
        service = Fetcher()
        suspend_flow = asyncio.Event()
        cancelled = False

        async def deliver() -> None:
            nonlocal cancelled
            try:
                await asyncio.get_running_loop().create_future()  # never gets room
            except asyncio.CancelledError:
                cancelled = True
                raise

        asyncio.get_running_loop().call_later(0.01, suspend_flow.set)
        result = await service.wait_first(deliver(), suspend_flow.wait())
        await asyncio.sleep(0)  # let the cancellation land
        return len(result.done) == 1 and result.results == [True], cancelled

    assert (True, True) == asyncio.run(scenario())


def test_an_error_in_the_callback_propagates() -> None:
    async def scenario() -> None:
        async def deliver() -> None:
            raise ValueError("cannot decode")

        await Fetcher().wait_first(deliver(), asyncio.Event().wait())

    with pytest.raises(ValueError, match="cannot decode"):
        asyncio.run(scenario())
