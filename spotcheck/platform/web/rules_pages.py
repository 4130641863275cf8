"""The rules document pages (一细则): text, file, publication."""
from flask import Blueprint

bp = Blueprint("rules_pages", __name__, url_prefix="/catalog/rules")
