"""The registry and target directory pages (检查对象名录库): search, entries, entities."""
from flask import Blueprint

bp = Blueprint("directory_pages", __name__, url_prefix="/catalog/directory")
