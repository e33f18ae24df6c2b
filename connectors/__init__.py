"""Source connectors: plain Python clients that read a system and yield Arrow record batches.

Nothing here knows about Dagster or dbt, so each connector can be used and tested alone.
"""
