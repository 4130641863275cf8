"""The inspector directory (执法检查人员名录库) and recusals."""
from flask_smorest import Blueprint

PREFIX = "/inspectors"
blp = Blueprint("Inspectors", __name__, description="The inspector directory (执法检查人员名录库) and recusals.")
