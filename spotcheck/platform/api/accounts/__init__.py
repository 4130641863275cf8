"""The accounts domain's API."""
