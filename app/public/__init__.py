"""Blueprint for the awareness pages: home, warning signs, audiences, help, sources."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/<lang>")

from app.public import views  # noqa: E402,F401
