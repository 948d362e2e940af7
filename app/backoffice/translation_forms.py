"""Forms of the translation pages. Labels and messages go through _l() so they translate lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.backoffice import labels
from app.services.translations import REJECTION_REASON_MAX, Show

TRANSLATION_MAX = 10000

SHOW_CHOICES = {
    Show.NEEDS_WORK: _l("Missing or outdated"),
    Show.WAITING: _l("Waiting for review"),
    Show.ALL: _l("All strings"),
}


class MessageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    show = SelectField(_l("Show"), default=Show.NEEDS_WORK.value, choices=labels.choices(SHOW_CHOICES))
    safety = BooleanField(_l("Safety-critical only"))
    q = StringField(_l("Search the English or the translation"), validators=[Optional(), Length(max=200)])
    page = IntegerField(widget=HiddenInput(), default=1, validators=[Optional()])


class SuggestionForm(FlaskForm):
    # One text box for a simple message, one per plural form of the language otherwise; how many
    # were sent is checked by the rules (a wrong count is refused, not padded or cut).
    forms = FieldList(TextAreaField(_l("Translation"), validators=[Length(max=TRANSLATION_MAX)]), min_entries=1)
    submit = SubmitField(_l("Suggest this translation"))


class RejectForm(FlaskForm):
    reason = StringField(_l("Why not? The translator sees this"),
                         validators=[DataRequired(message=_l("Say in a few words why, so the translator can do better.")),
                                     Length(max=REJECTION_REASON_MAX)])
    submit = SubmitField(_l("Reject"))


class StartLanguageForm(FlaskForm):
    code = StringField(_l("Language code"), validators=[DataRequired(), Length(max=16)], description=_l(
        "As in the list of ISO 639 codes: so for Somali, ht for Haitian Creole, fa for Persian, "
        "pt_BR for Brazilian Portuguese."))
    submit = SubmitField(_l("Start translating this language"))


class MarkReviewedForm(FlaskForm):
    submit = SubmitField(_l("A fluent speaker has reviewed it"))


class StaffLanguagesForm(FlaskForm):
    languages = StringField(_l("Languages (codes, e.g. es, vi)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save languages"))
