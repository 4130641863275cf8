"""The items domain's API."""
