"""Awareness pages: static content rendered in the reader's language."""
from flask import abort, current_app, g, render_template, request
from markupsafe import Markup

from app.public import bp
from app.public.sources import SOURCES

# slug -> template; the slug is the page's address under /<lang>/.
CONTENT_PAGES = {
    "signs": "public/signs.html",
    "what-to-do": "public/what-to-do.html",
    "why-report": "public/why-report.html",
    "help": "public/help.html",
    "students": "public/students.html",
    "parents": "public/parents.html",
    "schools": "public/schools.html",
    "workplaces": "public/workplaces.html",
    "community": "public/community.html",
    "online": "public/online.html",
    "mental-health": "public/mental-health.html",
    "prevention-team": "public/prevention-team.html",
    "privacy": "public/privacy.html",
    "sources": "public/sources.html",
}


@bp.record_once
def share_sources(state):
    # A global (not a context variable) so that imported citation macros can read it too.
    state.app.jinja_env.globals["SOURCES"] = SOURCES
    state.app.jinja_env.globals["english_marks"] = english_marks


def english_marks() -> Markup:
    """lang and dir for English words on a page in another language (a cited title, a publisher),
    so that a screen reader reads them as English and they run left to right in Arabic."""
    return Markup(' lang="en" dir="ltr"') if g.get("lang") not in (None, "en") else Markup("")


PAGE_CACHE_LIMIT = 1024


def render_public_page(template: str) -> str:
    """These pages are the same for every reader of a language: render each once per process.
    Nothing personal may go into them (no form token, no session); a deploy starts afresh."""
    cache = current_app.extensions.setdefault("noticed.page_cache", {})
    key = (request.host, request.path)
    html = cache.get(key)
    if html is None:
        html = render_template(template)
        if len(cache) < PAGE_CACHE_LIMIT:
            cache[key] = html
    return html


@bp.route("/")
def home():
    return render_public_page("public/home.html")


@bp.route("/<slug>")
def page(slug: str):
    template = CONTENT_PAGES.get(slug)
    if template is None:
        abort(404)
    return render_public_page(template)
