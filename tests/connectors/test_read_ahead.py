"""`read_ahead`: a list's next page is requested while the reader decodes the last one, in order,
and nothing is left running once the reader stops."""

from __future__ import annotations

import threading
from collections.abc import Generator

import pytest

from connectors.errors import SourceError
from connectors.read_ahead import read_ahead


def test_items_arrive_in_order_and_the_next_is_produced_while_one_is_read() -> None:
    produced: list[int] = []
    second_requested = threading.Event()

    def pages() -> Generator[int, None, None]:
        for page in range(1, 5):
            produced.append(page)
            if page == 2:
                second_requested.set()
            yield page

    read = []
    for page in read_ahead(pages()):
        if page == 1:
            # The reader is still on page 1: page 2 is requested meanwhile, not after.
            assert second_requested.wait(timeout=10)
        read.append(page)

    assert read == [1, 2, 3, 4]
    assert produced == [1, 2, 3, 4]


def test_an_error_of_the_producer_is_raised_after_the_pages_before_it() -> None:
    def pages() -> Generator[int, None, None]:
        yield 1
        yield 2
        raise SourceError("okta", "GET /api/v1/logs page 3: HTTP 500")

    read: list[int] = []
    with pytest.raises(SourceError, match="page 3"):
        read.extend(read_ahead(pages()))

    assert read == [1, 2]


def test_a_reader_that_stops_early_stops_the_requests_and_closes_the_list() -> None:
    produced: list[int] = []
    closed = threading.Event()

    def pages() -> Generator[int, None, None]:
        try:
            for page in range(1, 1000):
                produced.append(page)
                yield page
        finally:
            closed.set()

    reader = read_ahead(pages(), depth=2)
    assert next(reader) == 1
    reader.close()

    assert closed.is_set()
    # Page 1 read, at most `depth` queued, one in the producer's hands when the reader left.
    assert len(produced) <= 1 + 2 + 1


def test_depth_must_be_positive() -> None:
    def pages() -> Generator[int, None, None]:
        yield 1

    with pytest.raises(ValueError, match="depth"):
        list(read_ahead(pages(), depth=0))
