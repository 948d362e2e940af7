"""The app as wsgi.py builds it, with the API's per-client rate limit off.

All bench traffic comes from one address (127.0.0.1), so "30/minute;300/hour" would turn the
load and ingest figures into a count of 429s. app/config.py reads no setting for the limiter
from the environment, so the override is passed to the factory here instead.

`gunicorn -c gunicorn.conf.py bench.wsgi_bench:app`
"""
from app import create_app

app = create_app({"RATELIMIT_ENABLED": False})
