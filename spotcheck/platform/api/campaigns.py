"""Campaigns (抽查任务) and their draws."""
from flask_smorest import Blueprint

PREFIX = "/campaigns"
blp = Blueprint("Campaigns", __name__, description="Campaigns (抽查任务) and their draws.")
