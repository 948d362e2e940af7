"""The dashboard: figures drawn as SVG on the server (pygal), each with a table of the same data."""
from __future__ import annotations

import math
import secrets
from collections import OrderedDict
from datetime import date

import pygal
from pygal.etree import etree
from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from pygal.style import Style

from app.backoffice import bp, labels
from app.backoffice.access import requires
from app.backoffice.display import place_label
from app.extensions import db
from app.models.staff import Role
from app.services.dashboard import Dashboard, dashboard

# The chart is an <img>: its own policy lets pygal's inline <style> apply and forbids anything else.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
CHART_STYLE = Style(background="white", plot_background="white", foreground="#1a1a1a",
                    foreground_strong="#1a1a1a", foreground_subtle="#555", colors=("#0b4f8a",),
                    font_family="system-ui, sans-serif", label_font_size=14, major_label_font_size=14,
                    title_font_size=18)


def chart_tables(figures: Dashboard) -> dict[str, tuple[str, list[tuple[str, int]]]]:
    """Each chart's title and rows (label, count): drawn as SVG and shown as a table."""
    return {
        "per-week": (_("Reports per week"),
                     [(start.strftime("%d %b"), count) for start, count in figures.reports_per_week]),
        "by-kind": (_("Reports by kind"),
                    [(str(labels.label(labels.KINDS, kind)), count) for kind, count in figures.by_kind]),
        "by-channel": (_("Reports by channel"),
                       [(str(labels.label(labels.CHANNELS, channel)), count) for channel, count in figures.by_channel]),
        "by-place": (_("Reports by place (top 10)"), [(place_label(code), count) for code, count in figures.by_place]),
        "triage-time": (_("Time from report to first triage"), figures.triage_bands),
    }


def whole_number_ticks(top: int) -> list[int]:
    """Counts are whole: no 0.2 reports on the axis."""
    step = max(1, math.ceil(top / 8))
    return list(range(0, max(top, 1) + step, step))


def draw(title: str, rows: list[tuple[str, int]]) -> bytes:
    chart = pygal.Bar(style=CHART_STYLE, js=[], show_legend=False, title=title, width=800, height=400,
                      x_label_rotation=30 if len(rows) > 6 else 0, print_values=False, disable_xml_declaration=False)
    chart.x_labels = [label for label, _ in rows]
    chart.y_labels = whole_number_ticks(max((count for _, count in rows), default=0))
    chart.add(title, [count for _, count in rows])
    return _without_scripts(chart.render_tree())


def _without_scripts(tree) -> bytes:
    """pygal embeds a configuration <script> for its optional JavaScript: a drawing needs none."""
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


# The page computes its figures once and names them in its chart addresses (?figures=...), so the
# five charts it loads draw those same figures instead of counting everything five times more.
SHARED_FIGURES = "noticed.dashboard_figures"
SHARED_FIGURES_KEPT = 64


def _scope() -> str:
    return "all" if current_user.role == Role.ADMIN else f"team:{current_user.team_id}"


def _share(figures: Dashboard) -> str:
    shared = current_app.extensions.setdefault(SHARED_FIGURES, OrderedDict())
    token = secrets.token_urlsafe(9)
    shared[token] = (_scope(), figures)
    while len(shared) > SHARED_FIGURES_KEPT:
        shared.popitem(last=False)
    return token


def _shared_or_new_figures() -> Dashboard:
    """The figures the page computed, when this chart belongs to it and to this viewer's team."""
    kept = current_app.extensions.get(SHARED_FIGURES, {}).get(request.args.get("figures", ""))
    if kept is not None and kept[0] == _scope():
        return kept[1]
    return dashboard(db.session, current_user, date.today())


@bp.get("/dashboard")
@requires(Role.VIEWER)
def dashboard_page():
    figures = dashboard(db.session, current_user, date.today())
    return render_template("backoffice/dashboard.html", figures=figures, tables=chart_tables(figures),
                           figures_token=_share(figures))


@bp.get("/dashboard/<name>.svg")
@requires(Role.VIEWER)
def chart(name: str):
    tables = chart_tables(_shared_or_new_figures())
    if name not in tables:
        abort(404)
    response = Response(draw(*tables[name]), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
