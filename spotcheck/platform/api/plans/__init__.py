"""The plans domain's API."""
