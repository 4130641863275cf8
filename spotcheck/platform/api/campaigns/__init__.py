"""The campaigns domain's API."""
