"""The directory domain's pages."""
