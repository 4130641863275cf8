"""The results domain's API."""
