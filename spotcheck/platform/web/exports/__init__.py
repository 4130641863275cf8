"""The exports domain's pages."""
