"""Automation: the schedules, the file-drop sensor and the run-failure alert of the refresh."""
