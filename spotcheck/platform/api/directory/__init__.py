"""The directory domain's API."""
