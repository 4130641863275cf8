"""The supervision domain's pages."""
