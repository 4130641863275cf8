"""Annual plans (年度检查计划)."""
from flask_smorest import Blueprint

PREFIX = "/plans"
blp = Blueprint("Plans", __name__, description="Annual plans (年度检查计划).")
