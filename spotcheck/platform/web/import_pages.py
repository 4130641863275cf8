"""Spreadsheet templates, imports with progress and error lists, exports."""
from flask import Blueprint

bp = Blueprint("import_pages", __name__, url_prefix="/catalog/sheets")
