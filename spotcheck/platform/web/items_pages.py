"""The item list pages (一单): list, edit, publish, retire, versions, coverage."""
from flask import Blueprint

bp = Blueprint("items_pages", __name__, url_prefix="/catalog/items")
