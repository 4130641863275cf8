"""The rules document (一细则)."""
from flask_smorest import Blueprint

PREFIX = "/rules"
blp = Blueprint("Rules", __name__, description="The rules document (一细则).")
