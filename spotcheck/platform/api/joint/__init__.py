"""The joint domain's API."""
