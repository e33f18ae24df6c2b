"""Reading a vendor's next page while this process decodes the last one.

A list read page by page waits twice per page: for the server to produce it, then for this process
to decode it, and never both at once. `read_ahead` runs the requests in a thread of their own, one
page ahead of the reader: the server's time and the decoding overlap, and the requests themselves
stay one at a time, in order, paced and retried as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()
#: How often a producer blocked on a full queue checks whether the reader has gone.
_POLL_S = 0.1


def read_ahead(items: Generator[T, None, None], depth: int = 1) -> Iterator[T]:
    """Yield what `items` yields, produced in a thread up to `depth` items ahead of the caller.

    An exception raised by `items` is raised here, after the items produced before it. When the
    caller stops early (an error while decoding, a closed generator), the thread ends after the
    request it is making, and `items` is closed: nothing runs on once the reader has gone.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    gone = threading.Event()

    def put(item: object, error: BaseException | None = None) -> bool:
        while not gone.is_set():
            try:
                handoff.put((item, error), timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the reader, raised in its thread
            put(None, error)
        else:
            put(_END)

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        gone.set()
        producer.join()
        items.close()
