"""The results domain's pages."""
