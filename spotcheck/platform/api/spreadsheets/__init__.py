"""The spreadsheets domain's API."""
