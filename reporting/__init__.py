"""The audit report: a static HTML page of charts read from one published DuckDB file.

Knows nothing of Dagster: the publish step calls `write_audit_report` on the candidate
publication, and anyone can call it on a publication of their own.
"""

from reporting.charts import warm_up
from reporting.page import render_audit_report, write_audit_report

__all__ = ["render_audit_report", "warm_up", "write_audit_report"]
