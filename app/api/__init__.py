"""Blueprint for the JSON API under /api/v1, used by the phone's offline queue."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402,F401
