"""The accounts domain's pages."""
