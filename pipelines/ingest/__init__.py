"""Ingestion: extract each source through its connector and land it in `raw.<source>__<entity>`."""
