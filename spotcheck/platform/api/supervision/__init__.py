"""The supervision domain's API."""
