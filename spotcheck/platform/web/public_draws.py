"""The public side of plans and draws: announcements, commitments, frames, proofs, verification."""
from flask import Blueprint

bp = Blueprint("public_draws", __name__, url_prefix="/public/draws")
