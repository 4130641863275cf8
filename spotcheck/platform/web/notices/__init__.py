"""The notices domain's pages."""
