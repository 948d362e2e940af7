"""Wiring alerts to new reports without touching the reporting code.

SQLAlchemy session events notice Report rows as they are inserted (by the form, the JSON API, or
anything else that calls submit_report) and, once the transaction has committed, an alert is
recorded (in its own session) and sent from a background thread, so the reporter's request never
waits for, or fails because of, the mail server.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.report import Report
from app.models.staff import Alert
from app.services import alerts
from app.services.triage import route

log = logging.getLogger(__name__)
NEW_REPORTS = "noticed.new_report_ids"


def _route_new_reports(session, flush_context, instances):
    for obj in list(session.new):
        if isinstance(obj, Report) and obj.team_id is None and obj.team is None:
            try:
                route(session, obj)
            except Exception:  # noqa: BLE001 (an unrouted report still reaches the default team's admins)
                log.exception("routing a new report failed")


def _remember_new_reports(session, flush_context):
    ids = [obj.id for obj in session.new if isinstance(obj, Report)]
    if ids:
        session.info.setdefault(NEW_REPORTS, []).extend(ids)


def _forget_new_reports(session, *args):
    session.info.pop(NEW_REPORTS, None)


def _alert_after_commit(session):
    report_ids = session.info.pop(NEW_REPORTS, None)
    if not report_ids or not has_app_context():
        return
    try:
        alert_ids = _record_alerts(report_ids)
    except Exception:  # noqa: BLE001 (the report is stored; `flask alerts escalate` finds it later)
        log.exception("recording an alert failed")
        return
    if alert_ids:
        app = current_app._get_current_object()
        threading.Thread(target=_deliver_in_background, args=(app, alert_ids), daemon=True,
                         name="noticed-alerts").start()


def _record_alerts(report_ids: list[int]) -> list[int]:
    # The committing session may not run SQL inside after_commit: use a session of our own.
    with Session(db.engine) as own:
        created = [alerts.create_alert(own, report) for report in
                   (own.get(Report, report_id) for report_id in report_ids) if report is not None]
        return [alert.id for alert in created if alert is not None]


def _deliver_in_background(app: Flask, alert_ids: list[int]) -> None:
    with app.app_context():
        try:
            settings = alerts.AlertSettings.from_config(app.config)
            for alert_id in alert_ids:
                alert = db.session.get(Alert, alert_id)
                if alert is not None:
                    alerts.deliver(db.session, alert, settings)
        except Exception:  # noqa: BLE001 (left pending for the cron commands)
            log.exception("delivering alerts failed")
        finally:
            db.session.remove()


def install_report_listeners() -> None:
    """Once per process: the listeners are on the shared session factory, not on one app."""
    for name, listener in (("before_flush", _route_new_reports), ("after_flush", _remember_new_reports),
                           ("after_commit", _alert_after_commit), ("after_rollback", _forget_new_reports)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
