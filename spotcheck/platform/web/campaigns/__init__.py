"""The campaigns domain's pages."""
