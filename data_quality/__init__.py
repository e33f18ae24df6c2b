"""The quality gate: great-expectations suites over the marts, run before anything is published.

Importing this package is cheap: great-expectations (about 5 s to import) loads only when a table is
validated. Nothing here knows about Dagster; the orchestrator calls `runner.validate_table` and
decides publication from the `SuiteResult` it returns.
"""
