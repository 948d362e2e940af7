"""In-app translation for community groups: each language's progress, the strings that need work,
suggesting a translation, and a second person's review that makes it live at once.

Open to translators (in their own languages only), and to leads and admins (every language);
viewers and members, whose work is reports and cases, are refused. The rules live in
app/services/translations.py; these views parse, call one rule, and render.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from math import ceil

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.backoffice import bp
from app.backoffice.access import requires
from app.backoffice.common import form_problem, valid_filters
from app.backoffice.translation_forms import (MarkReviewedForm, MessageFilterForm, RejectForm, StaffLanguagesForm,
                                              StartLanguageForm, SuggestionForm)
from app.extensions import db
from app.i18n import native_name, text_direction
from app.i18n_overrides import publish_approved_translations
from app.models.staff import Role, StaffUser
from app.models.translation import SuggestionStatus, TranslationSuggestion
from app.services import translations
from app.services.translation_checks import Problem

PAGE_SIZE = 50

# Where a string shows, named as a reader knows the page (not by the file it comes from), with a
# link so that reviewers read it in place before approving.
PAGES_OF_SOURCES = {
    "templates/public/home.html": (_l("Home page"), "public.home", {}),
    "templates/base.html": (_l("Every page (header, menu and footer)"), "public.home", {}),
    "templates/_macros/safety.html": (_l("Emergency help box, on every page"), "public.home", {}),
    "templates/reporting/form.html": (_l("Report a concern page"), "reporting.form", {}),
    "app/reporting/forms.py": (_l("Report a concern page"), "reporting.form", {}),
    "app/reporting/views.py": (_l("Report a concern page"), "reporting.form", {}),
    "app/services/photos.py": (_l("Report a concern page (photos)"), "reporting.form", {}),
    "templates/reporting/receipt.html": (_l("Page shown after sending a report"), None, {}),
    "templates/reporting/_receipt.html": (_l("Page shown after sending a report"), None, {}),
    "templates/reporting/status.html": (_l("Check a report page"), "reporting.status", {}),
    "templates/reporting/status_lookup.html": (_l("Check a report page"), "reporting.status", {}),
    "templates/pwa/offline.html": (_l("Offline page"), "pwa.offline", {}),
    "templates/posters/new.html": (_l("Put up posters page"), "posters.register", {}),
    "templates/posters/manage.html": (_l("Manage your posters page"), "posters.manage", {}),
    "templates/public/signs.html": (_l("Warning signs page"), "public.page", {"slug": "signs"}),
    "templates/public/what-to-do.html": (_l("What to do page"), "public.page", {"slug": "what-to-do"}),
    "templates/public/why-report.html": (_l("Why report page"), "public.page", {"slug": "why-report"}),
    "templates/public/help.html": (_l("Get help now page"), "public.page", {"slug": "help"}),
    "templates/public/students.html": (_l("Page for students"), "public.page", {"slug": "students"}),
    "templates/public/parents.html": (_l("Page for parents"), "public.page", {"slug": "parents"}),
    "templates/public/schools.html": (_l("Page for schools"), "public.page", {"slug": "schools"}),
    "templates/public/workplaces.html": (_l("Page for workplaces"), "public.page", {"slug": "workplaces"}),
    "templates/public/community.html": (_l("Page for community groups"), "public.page", {"slug": "community"}),
    "templates/public/online.html": (_l("Online life page"), "public.page", {"slug": "online"}),
    "templates/public/mental-health.html": (_l("Mental health page"), "public.page", {"slug": "mental-health"}),
    "templates/public/prevention-team.html": (_l("Prevention team page"), "public.page",
                                              {"slug": "prevention-team"}),
    "templates/public/privacy.html": (_l("What we store page"), "public.page", {"slug": "privacy"}),
    "templates/public/sources.html": (_l("Sources page"), "public.page", {"slug": "sources"}),
}
# Strings of other files, by the part of Noticed they belong to (first match wins).
AREAS_OF_SOURCES = (
    (("templates/errors/", "app/errors.py"), _l("Error pages")),
    (("app/api/", "static/src/js/", "templates/pwa/"), _l("Report form on a phone, sending when back online")),
    (("templates/posters/", "app/posters/"), _l("Posters and their pages")),
    (("templates/mail/", "app/services/alerts.py", "app/services/mail.py"), _l("E-mails to the prevention team")),
    (("templates/backoffice/", "app/backoffice/"), _l("Staff pages (back office)")),
    (("",), _l("Other pages")),
)


@dataclass(frozen=True)
class PageOfString:
    name: str
    url: str | None


def pages_of(locations, lang: str) -> list[PageOfString]:
    """The pages a message appears on, each named once, as readers know them."""
    pages: dict[str, PageOfString] = {}
    for path, _line in locations:
        if path in PAGES_OF_SOURCES:
            name, endpoint, values = PAGES_OF_SOURCES[path]
            url = url_for(endpoint, lang=lang, **values) if endpoint else None
        else:
            name, url = next(name for prefixes, name in AREAS_OF_SOURCES if path.startswith(prefixes)), None
        pages.setdefault(str(name), PageOfString(str(name), url))
    return list(pages.values())


# The checks' own messages are plain English (they also run in CI); staff read them translated.
PROBLEM_TEXTS = {
    "placeholders": _l("Keep every placeholder such as %(count)s exactly as in the English."),
    "script": _l("Scripts, event handlers and similar markup are not allowed."),
    "markup": _l("Keep the same HTML tags, with the same attributes, as the English."),
    "links": _l("Keep every web address and link exactly as in the English."),
    "phone": _l("Keep every phone number (such as 911 and 988) exactly as in the English, in the same digits."),
    "new_number": _l("Add no number that the English does not have: a reader could dial it instead of 911 or 988."),
    "new_link": _l("Add no web address, link or e-mail address that the English does not have."),
    "references": _l("Write every character as itself, not as an HTML character reference such as &#60; or &#57;."),
    "length": _l("This is much longer than the English and may not fit on its button."),
    "empty": _l("Write the translation."),
    "unchanged": _l("This is already the translation readers see."),
}
REVIEW_ERRORS = {
    "not_waiting": _l("This suggestion was already reviewed."),
    "source_changed": _l("The English of this string has changed since: suggest a new translation."),
}
REFUSED_OUTRIGHT = {"own_suggestion", "not_your_language"}  # no button offers these
STATE_LABELS = {
    translations.MessageState.MISSING: _l("Missing"),
    translations.MessageState.OUTDATED: _l("Outdated: the English changed"),
    translations.MessageState.FAILS_CHECKS: _l("Fails the checks"),
    translations.MessageState.APPROVED: _l("Approved and live, not yet in the catalog file"),
    translations.MessageState.TRANSLATED: _l("Translated"),
}
STATUS_LABELS = {
    SuggestionStatus.SUGGESTED: _l("Waiting for review"),
    SuggestionStatus.APPROVED: _l("Approved"),
    SuggestionStatus.REJECTED: _l("Rejected"),
    SuggestionStatus.REPLACED: _l("Replaced by a newer approved translation"),
}


def translation_page(view):
    """@requires(Role.TRANSLATOR) lets in every role above it; these pages are for translators,
    leads and admins only."""
    @wraps(view)
    def checked(*args, **kwargs):
        if not translations.may_use_translation_pages(current_user):
            abort(403)
        return view(*args, **kwargs)
    return requires(Role.TRANSLATOR)(checked)


def reject_prefix(suggestion_id: int) -> str:
    # Several suggestions, each with its reason box, share a page: each box needs its own id.
    return f"reject-{suggestion_id}"


def _catalogs():
    return translations.translations_dir_of(current_app.config)


def problem_text(problem: Problem, num_plurals: int) -> str:
    if problem.code == "plurals":
        return _("This language needs %(count)s plural forms, all filled in.", count=num_plurals)
    return str(PROBLEM_TEXTS.get(problem.code, problem.message))


def _workable_catalog(lang: str) -> translations.LanguageCatalog:
    """The language's catalog, if the signed-in person may translate it: 403 otherwise."""
    if not translations.may_translate(current_user, lang):
        abort(403)
    catalog = translations.language_catalog(db.session, _catalogs(), lang)
    if catalog is None:
        abort(404)
    return catalog


def _template_helpers(lang: str) -> dict:
    return {"lang_code": lang, "language_name": native_name(lang), "translation_dir": text_direction(lang),
            "pages_of": lambda message: pages_of(message.locations, lang), "may_review": translations.may_review,
            "review_of": translations.review_of, "reject_form": RejectForm,
            "live_forms": translations.live_forms, "reject_prefix": reject_prefix,
            "STATE_LABELS": STATE_LABELS, "STATUS_LABELS": STATUS_LABELS}


@bp.get("/translations")
@translation_page
def translations_overview():
    config = current_app.config
    progress = [translations.language_progress(db.session, _catalogs(), lang, config["SHIP_MIN_TRANSLATED"],
                                               config["REQUIRE_REVIEWED_LANGUAGES"])
                for lang in translations.workable_languages(db.session, current_user, _catalogs())]
    leads = current_user.role in translations.REVIEWS_EVERY_LANGUAGE
    return render_template("backoffice/translations/overview.html", progress=[p for p in progress if p],
                           native_name=native_name, start_form=StartLanguageForm() if leads else None,
                           reviewed_form=MarkReviewedForm() if leads else None)


START_ERRORS = {
    "unknown_language": _l("That is not a language code we know. Use a code such as so, ht or pt_BR."),
    "already_there": _l("That language is already here: find it in the table."),
}


@bp.post("/translations/languages")
@requires(Role.LEAD)
def start_language():
    form = StartLanguageForm()
    if not form.validate():
        flash(form_problem(form), "info")
        return redirect(url_for("backoffice.translations_overview"))
    try:
        lang = translations.start_language(db.session, current_user, form.code.data, _catalogs())
    except translations.TranslationError as error:
        flash(str(START_ERRORS.get(error.code, _l("That change is not possible."))), "info")
        return redirect(url_for("backoffice.translations_overview"))
    publish_approved_translations(current_app)
    flash(_("%(language)s started. Give its translators the language code %(code)s.",
            language=native_name(lang), code=lang), "info")
    return redirect(url_for("backoffice.translation_language", language=lang))


@bp.post("/translations/<language>/reviewed")
@requires(Role.LEAD)
def mark_language_reviewed(language: str):
    _workable_catalog(language)
    if MarkReviewedForm().validate():
        translations.mark_reviewed(db.session, current_user, language)
        publish_approved_translations(current_app)
        flash(_("%(language)s no longer says it is awaiting community review.", language=native_name(language)),
              "info")
    return redirect(url_for("backoffice.translations_overview"))


def _message_filter(form: MessageFilterForm) -> translations.MessageFilter:
    if not form.validate():
        return translations.MessageFilter()
    return translations.MessageFilter(show=translations.Show(form.show.data), safety_only=form.safety.data,
                                      search=(form.q.data or "").strip())


@bp.get("/translations/<language>")
@translation_page
def translation_language(language: str):
    catalog = _workable_catalog(language)
    # A complete language lists every string (and searches them all): a volunteer who came to fix a
    # wording must find it, not a page of "0 strings".
    form = MessageFilterForm(request.args, show=translations.default_show(db.session, catalog).value)
    valid_filters(form)
    rows = translations.message_rows(db.session, catalog, _message_filter(form))
    pages = max(1, ceil(len(rows) / PAGE_SIZE))
    page = min(max(form.page.data or 1, 1), pages)
    return render_template("backoffice/translations/language.html", form=form, total=len(rows), page=page,
                           pages=pages, rows=rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], catalog=catalog,
                           **_template_helpers(language))


def _suggestion_form(catalog: translations.LanguageCatalog, message: translations.CatalogMessage,
                     approved: TranslationSuggestion | None) -> SuggestionForm:
    if request.method == "POST":
        return SuggestionForm()
    count = catalog.num_plurals if message.is_plural else 1
    # Start from what readers see now, or the outdated translation, which is often nearly right.
    start = translations.live_forms(message, approved) or list(message.forms)
    return SuggestionForm(data={"forms": (start + [""] * count)[:count]})


@bp.route("/translations/<language>/messages/<key>", methods=["GET", "POST"])
@translation_page
def translation_message(language: str, key: str):
    catalog = _workable_catalog(language)
    message = catalog.messages.get(key) or abort(404)
    approved = translations.approved_suggestions(db.session, language).get(key)
    form = _suggestion_form(catalog, message, approved)
    warnings = []
    if form.validate_on_submit():
        try:
            suggested = translations.suggest(db.session, current_user, catalog, key, form.forms.data)
        except translations.SuggestionRefused as refused:
            form.form_errors.extend(problem_text(p, catalog.num_plurals) for p in translations.blocking(refused.problems))
            warnings = [problem_text(p, catalog.num_plurals) for p in refused.problems if not p.blocking]
        else:
            flash(_("Suggestion saved. It goes live when another translator or a lead approves it."), "info")
            for warning in suggested.warnings:
                flash(_("Please check: %(problem)s", problem=problem_text(warning, catalog.num_plurals)), "info")
            return redirect(url_for("backoffice.translation_message", language=language, key=key))
    elif request.method == "POST":
        form.form_errors.append(form_problem(form))
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/translations/message.html", message=message, approved=approved, form=form,
                           warnings=warnings, history=translations.suggestion_history(db.session, language, key),
                           state=translations.message_state(message, approved), catalog=catalog,
                           plural_examples=translations.plural_examples(catalog), **_template_helpers(language)), status


def _back_from_review(suggestion: TranslationSuggestion):
    # Back to the list the reviewer came from, if it is one of these pages.
    target = request.form.get("next", "")
    if target.startswith(url_for("backoffice.translations_overview")):
        return redirect(target)
    return redirect(url_for("backoffice.translation_message", language=suggestion.language, key=suggestion.message_key))


def _review(suggestion_id: int, decide) -> TranslationSuggestion:
    """Load the suggestion, run the decision, and say what happened (or why not)."""
    suggestion = db.session.get(TranslationSuggestion, suggestion_id) or abort(404)
    catalog = _workable_catalog(suggestion.language)
    try:
        decide(suggestion, catalog)
    except translations.SuggestionRefused as refused:
        for problem in translations.blocking(refused.problems):
            flash(problem_text(problem, catalog.num_plurals), "info")
    except translations.TranslationError as error:
        if error.code in REFUSED_OUTRIGHT:
            abort(403)
        flash(str(REVIEW_ERRORS.get(error.code, _l("That change is not possible."))), "info")
    return suggestion


@bp.post("/translations/suggestions/<int:suggestion_id>/approve")
@translation_page
def approve_translation(suggestion_id: int):
    def approve(suggestion, catalog):
        translations.approve(db.session, current_user, suggestion, catalog)
        publish_approved_translations(current_app)
        flash(_("Approved: readers of %(language)s see it now.", language=native_name(suggestion.language)), "info")
    return _back_from_review(_review(suggestion_id, approve))


@bp.post("/translations/suggestions/<int:suggestion_id>/reject")
@translation_page
def reject_translation(suggestion_id: int):
    form = RejectForm(prefix=reject_prefix(suggestion_id))

    def reject(suggestion, catalog):
        if not form.validate():
            flash(form_problem(form), "info")
            return
        translations.reject(db.session, current_user, suggestion, form.reason.data)
        flash(_("Suggestion rejected. Its translator sees your reason."), "info")
    return _back_from_review(_review(suggestion_id, reject))


@bp.post("/people/<int:staff_id>/languages")
@requires(Role.ADMIN)
def change_languages(staff_id: int):
    staff = db.session.get(StaffUser, staff_id) or abort(404)
    form = StaffLanguagesForm()
    if not form.validate():
        flash(form_problem(form), "info")
    else:
        try:
            translations.set_staff_languages(db.session, staff, form.languages.data or "", _catalogs(),
                                             current_user)
            flash(_("Languages changed for %(email)s.", email=staff.email), "info")
        except translations.TranslationError:
            flash(_("Use the codes of languages that have a catalog: %(codes)s.",
                    codes=", ".join(translations.translatable_languages(db.session, _catalogs()))), "info")
    return redirect(url_for("backoffice.people"))
