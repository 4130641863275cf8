"""The inspectors domain's API."""
