"""The notices domain's API."""
