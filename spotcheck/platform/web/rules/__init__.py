"""The rules domain's pages."""
