"""The joint domain's pages."""
