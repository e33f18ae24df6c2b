"""Transformation: the dbt project, each model its own asset with lineage from the raw assets."""
