"""The plans domain's pages."""
