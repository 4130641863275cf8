"""The item list (一单)."""
from flask_smorest import Blueprint

PREFIX = "/items"
blp = Blueprint("Items", __name__, description="The item list (一单).")
