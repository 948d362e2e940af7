"""Blueprint for places and their QR-code posters, and the /r/<code> short link."""
from flask import Blueprint

bp = Blueprint("posters", __name__)

from app.posters import views  # noqa: E402,F401
