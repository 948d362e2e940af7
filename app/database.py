"""Database connection settings that the ORM cannot express in a URL."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def tune_sqlite(dbapi_connection, connection_record):
    # Several gunicorn workers write reports at once: WAL lets readers and a writer work side by
    # side, and the busy timeout makes a writer wait its turn instead of failing with "locked".
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
