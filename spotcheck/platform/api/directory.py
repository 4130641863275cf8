"""The entity registry and the target directory (检查对象名录库)."""
from flask_smorest import Blueprint

PREFIX = ""
blp = Blueprint("Directory", __name__, description="The entity registry and the target directory (检查对象名录库).")
