"""The inspectors domain's pages."""
