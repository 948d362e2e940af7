"""Blueprint for reporters: the report form, the receipt, and following up with a receipt code."""
from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/<lang>")

from app.reporting import views  # noqa: E402,F401
