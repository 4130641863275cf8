"""The spreadsheets domain's pages."""
