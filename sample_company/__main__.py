"""Write a sample company to a folder: `python -m sample_company --scale S --out DIR`.

The business files go to DIR as CSV; the Okta inventory (and, with --events, the SSO events) go to
DIR/okta as Parquet.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from connectors.okta.entities import SSO_EVENTS
from sample_company.company import DEFAULT_AS_OF, generate
from sample_company.files import write_files
from sample_company.scale import SCALES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sample_company", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--events", action="store_true", help="also write okta/sso_events.parquet")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    company = generate(args.scale, seed=args.seed, as_of=args.as_of)
    print(f"generated {company.name} ({args.scale}) in {time.perf_counter() - started:.2f} s")
    for entity, path in write_files(company, args.out).items():
        print(f"  {path}  {company.file_tables()[entity].num_rows} rows")
    okta_dir = args.out / "okta"
    okta_dir.mkdir(parents=True, exist_ok=True)
    for entity, table in company.okta_tables().items():
        pq.write_table(table, okta_dir / f"{entity}.parquet")
        print(f"  {okta_dir / entity}.parquet  {table.num_rows} rows")
    if args.events:
        rows = 0
        with pq.ParquetWriter(okta_dir / "sso_events.parquet", SSO_EVENTS.schema) as writer:
            for batch in company.sso_events():
                writer.write_batch(batch)
                rows += batch.num_rows
        print(f"  {okta_dir / 'sso_events'}.parquet  {rows} rows")
    print(f"done in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
