"""Support code for the unit tests: shared helpers and scripts run in child processes."""
