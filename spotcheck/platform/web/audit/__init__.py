"""The audit domain's pages."""
