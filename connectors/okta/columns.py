"""What the column-wise readings of Okta's lists share (`log_events`, `app_users`).

Both decode a page into msgspec structs and build Arrow columns from them, and both must land
exactly what the careful, record-by-record reading (`records`) lands, or else step aside for it.
A page that does not have the structs' types is decoded as plain JSON (`connectors.http.
decode_typed`, which Google's and Snipe-IT's readings use too), and a timestamp column is taken
only if every value is one that `records.parse_time` reads the same way (`okta_times`).
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

# The timestamps Okta sends; Arrow reads exactly these as `datetime.fromisoformat` does.
_OKTA_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$"
# In UTC, an offset can move a time past either end of what Python's datetime holds, where Arrow
# reads on (year 0 or 10000) but `records.parse_time` fails.
_FIRST_MOMENT = datetime.min
_LAST_MOMENT = datetime.max


def okta_times(values: pa.Array) -> pa.Array | None:
    """Okta-format timestamps as naive UTC, nulls kept; None if any is written otherwise or bad."""
    # min_count=0: a column of nulls only (no `created` anywhere on a page) is fine as it is.
    if not pc.all(pc.match_substring_regex(values, _OKTA_TIME), min_count=0).as_py():
        return None
    try:
        times = values.cast(pa.timestamp("us", "UTC")).cast(pa.timestamp("us"))
    except pa.ArrowInvalid:  # a 30th of February matches the pattern
        return None
    out_of_range = pc.or_(pc.less(times, _FIRST_MOMENT), pc.greater(times, _LAST_MOMENT))
    return None if pc.any(out_of_range, min_count=0).as_py() else times
