"""The exports domain's API."""
