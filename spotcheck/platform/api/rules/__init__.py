"""The rules domain's API."""
