"""The public portal (/public, no login): item lists, rules documents, inspectors."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")
