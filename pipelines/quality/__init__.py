"""The quality gate: great-expectations suites run as blocking Dagster asset checks on the marts."""
