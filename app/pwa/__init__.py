"""Blueprint for what lives at the root scope: /, /sw.js, manifests, the offline page, /healthz."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

from app.pwa import views  # noqa: E402,F401
