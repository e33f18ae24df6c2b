"""The Dagster side of the audit: the only package that imports Dagster.

`pipelines.definitions` assembles the one `Definitions`; the sub-packages are organised by stage
(ingest, transform, quality, publish): plain modules for the work, a thin Dagster layer on top.
"""
