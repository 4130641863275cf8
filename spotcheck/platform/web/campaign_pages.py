"""Campaign pages (抽查任务): drafting, approval, the draw ceremony, targets and teams."""
from flask import Blueprint

bp = Blueprint("campaign_pages", __name__, url_prefix="/campaigns")
