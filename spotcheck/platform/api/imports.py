"""Spreadsheet templates, imports and exports."""
from flask_smorest import Blueprint

PREFIX = "/sheets"
blp = Blueprint("Sheets", __name__, description="Spreadsheet templates, imports and exports.")
