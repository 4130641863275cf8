"""The inspector directory pages (执法检查人员名录库) and recusals (回避)."""
from flask import Blueprint

bp = Blueprint("inspector_pages", __name__, url_prefix="/catalog/inspectors")
