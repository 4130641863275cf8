"""The items domain's pages."""
