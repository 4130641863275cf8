"""Annual plan pages (年度检查计划): drafting, submission, filing by the justice bureau, publication."""
from flask import Blueprint

bp = Blueprint("plan_pages", __name__, url_prefix="/plans")
