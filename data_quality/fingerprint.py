"""A content fingerprint of a table, so that what is published is provably what was audited.

DuckDB computes it in one streaming, parallel scan: the row count, the sum and the XOR of a hash of
every row. Both aggregates ignore row order; the sum is taken as HUGEINT so it cannot overflow and,
unlike XOR alone, does not cancel out pairs of identical rows. The column names and types are part
of the fingerprint, since a changed type can leave every value's hash unchanged.
DuckDB's `hash` is stable within a DuckDB version, which is all a compare-before-publish needs.
"""

from __future__ import annotations

import hashlib

import duckdb


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_fingerprint(con: duckdb.DuckDBPyConnection, qualified_table: str) -> str:
    schema = con.execute(f"describe select * from {qualified_table}").fetchall()
    columns = ", ".join(quote(name) for name, *_ in schema)
    row_count, hash_sum, hash_xor = con.execute(
        f"select count(*), sum(hash({columns})::hugeint), bit_xor(hash({columns})) "
        f"from {qualified_table}"
    ).fetchone()
    described = ";".join(f"{name}:{column_type}" for name, column_type, *_ in schema)
    content = f"{described}|{row_count}|{hash_sum}|{hash_xor}"
    return hashlib.sha256(content.encode()).hexdigest()
