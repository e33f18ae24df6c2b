"""Deterministic identifiers and random streams.

Every part of the generator draws from its own named stream, so changing how one part is generated
never shifts the numbers of another. Identifiers come from a bijective mix of a counter, which
keeps them unique by construction and stable across runs.
"""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
# The 32 hex digits of a uuid sit at these positions of its 36 characters; the rest are dashes.
_UUID_DIGITS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """A random generator for one named part of the company."""
    words = [zlib.crc32(n.encode()) if isinstance(n, str) else int(n) for n in names]
    return np.random.default_rng([seed, *words])


def salt(seed: int, name: str) -> np.uint64:
    return np.uint64(stream(seed, "salt", name).integers(0, 2**63, dtype=np.uint64))


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64, so distinct inputs give distinct outputs."""
    x = values.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def okta_ids(seed: int, prefix: str, count: int) -> list[str]:
    """Okta-looking 20-character ids (`00u…` users, `0oa…` apps), unique within a prefix."""
    values = mix64(np.arange(count, dtype=np.uint64) ^ salt(seed, prefix))
    digits = np.empty((count, 11), np.uint8)
    for position in range(10, -1, -1):
        digits[:, position] = _BASE62[(values % np.uint64(62)).astype(np.intp)]
        values //= np.uint64(62)
    tail = "".join(chr(c) for c in _BASE62[stream(seed, "org", prefix).integers(0, 62, 20 - 14)])
    return [f"{prefix}{row.tobytes().decode()}{tail}" for row in digits]


def uuid_salts(seed: int) -> tuple[np.uint64, np.uint64]:
    return salt(seed, "uuid-hi"), salt(seed, "uuid-lo")


def uuid_strings(
    salts: tuple[np.uint64, np.uint64], day_ordinal: int, ranks: np.ndarray
) -> pa.StringArray:
    """Version-4-shaped uuids for events of one day, keyed by (day, rank of the event in it)."""
    count = len(ranks)
    keys = (np.uint64(day_ordinal) << np.uint64(32)) | ranks.astype(np.uint64)
    words = np.empty((count, 2), dtype=">u8")
    words[:, 0] = (mix64(keys ^ salts[0]) & ~np.uint64(0xF000)) | np.uint64(0x4000)
    low = mix64(keys ^ salts[1]) & np.uint64(0x3FFF_FFFF_FFFF_FFFF)
    words[:, 1] = low | np.uint64(0x8000_0000_0000_0000)
    octets = words.view(np.uint8).reshape(count, 16)
    text = np.full((count, 36), ord("-"), np.uint8)
    hex_digits = np.empty((count, 32), np.uint8)
    hex_digits[:, 0::2] = _HEX[octets >> 4]
    hex_digits[:, 1::2] = _HEX[octets & 15]
    text[:, _UUID_DIGITS] = hex_digits
    return fixed_width_strings(text)


def fixed_width_strings(text: np.ndarray) -> pa.StringArray:
    """An Arrow string array over the rows of a (rows, width) byte matrix, no Python objects."""
    rows, width = text.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(
        rows, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(text))
    )


def repeated_string(value: str, count: int) -> pa.StringArray:
    data = np.frombuffer(value.encode(), np.uint8)
    return fixed_width_strings(np.broadcast_to(data, (count, len(data))))
