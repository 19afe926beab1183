"""Start the first awaitable of `Service.wait_first` at once; build the race only when it has to wait.

faust's fetch loop hands every message to the streams with
`await self.wait_first(callback(message), self.suspend_flow.wait())`: mode's `wait_first` makes four tasks
(the callback, the flow event, the service's stopped and crashed events) and an `asyncio.wait` per message,
though the callback nearly always finishes without waiting (the stream queue has room). In the worker's
profile that was 5-6% of the busy time, plus the event-loop turns those tasks cost.

`EagerWaitFirst.wait_first` runs the first coroutine up to its first suspension in the caller's task. When
it finishes there, it is the winner and nothing else is made (the other coroutines are closed unawaited).
When it suspends, the rest of it joins mode's usual race unchanged (`_Resumed` continues it from where it
stopped), so a callback blocked on a full queue still loses to a flow suspension during a rebalance.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator
from typing import Any

from mode.services import WaitResults


class _Resumed:
    """An awaitable continuing a coroutine that already ran to its first suspension (`pending`)."""

    def __init__(self, coro: Coroutine[Any, Any, Any], pending: Any) -> None:
        self._coro = coro
        self._pending = pending

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, pending = self._coro, self._pending
        while True:
            try:
                sent = yield pending
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # thrown in (e.g. cancellation): the coroutine decides
                try:
                    pending = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    pending = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


class EagerWaitFirst:
    """Mixin for a mode `Service` (faust's consumer): `wait_first` without tasks when the first one finishes."""

    async def wait_first(self, *coros: Any, timeout: Any = None) -> WaitResults:  # noqa: ASYNC109 - mode API
        race = super().wait_first  # type: ignore[misc]
        first = coros[0] if coros else None
        if not asyncio.iscoroutine(first) or self.should_stop:  # type: ignore[attr-defined]
            return await race(*coros, timeout=timeout)  # type: ignore[no-any-return]
        try:
            pending = first.send(None)
        except StopIteration as done:
            _close(coros[1:])
            return WaitResults([first], [done.value], False)
        except BaseException:
            _close(coros[1:])
            raise
        return await race(_Resumed(first, pending), *coros[1:], timeout=timeout)  # type: ignore[no-any-return]


def _close(others: tuple[Any, ...]) -> None:
    for other in others:
        if asyncio.iscoroutine(other):
            other.close()
