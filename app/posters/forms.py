"""Forms for places: registering and editing one, retiring its code, choosing a poster."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.i18n import html_lang, listed_languages, native_name, text_direction
from app.models.place import PlaceKind
from app.posters.poster import PAPER_SIZES
from app.services.places import PlaceDetails

NO_SECOND_LANGUAGE = ""


def kind_choices():
    return [
        SelectChoice(PlaceKind.BUSINESS.value, _l("A business, shop or workplace")),
        SelectChoice(PlaceKind.SCHOOL.value, _l("A school")),
        SelectChoice(PlaceKind.CAMPUS.value, _l("A college or university campus")),
        SelectChoice(PlaceKind.PLACE_OF_WORSHIP.value, _l("A place of worship")),
        SelectChoice(PlaceKind.COMMUNITY_CENTRE.value, _l("A community centre, library or club")),
        SelectChoice(PlaceKind.TRANSIT.value, _l("A station, stop or other transit")),
        SelectChoice(PlaceKind.OTHER.value, _l("Something else")),
    ]


def language_choices():
    # Languages are named in themselves: a Spanish reader looks for "Español", not "Spanish". Each
    # name is marked with its language, so a screen reader says it with the right voice.
    return [SelectChoice(code, native_name(code), render_kw={"lang": html_lang(code), "dir": text_direction(code)})
            for code in listed_languages()]


class PlaceForm(FlaskForm):
    name = StringField(
        _l("Name of the place"),
        validators=[DataRequired(_l("Give the name people know the place by.")),
                    Length(max=120, message=_l("Please keep this under %(max)d characters."))],
        render_kw={"autocomplete": "organization"},
    )
    kind = SelectField(_l("What kind of place is it?"), choices=kind_choices(), default=PlaceKind.BUSINESS.value)
    area = StringField(
        _l("City or area"),
        validators=[DataRequired(_l("Give the city, town or neighbourhood.")),
                    Length(max=120, message=_l("Please keep this under %(max)d characters."))],
    )
    contact_email = StringField(
        _l("Your email (optional)"),
        validators=[Optional(), Length(max=254, message=_l("Please keep this under %(max)d characters.")),
                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("This does not look like an email address."))],
        render_kw={"type": "email", "autocomplete": "email", "inputmode": "email"},
    )
    language = SelectField(_l("Language of your visitors"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def details(self) -> PlaceDetails:
        return PlaceDetails(
            name=self.name.data.strip(),
            kind=PlaceKind(self.kind.data),
            area=self.area.data.strip(),
            contact_email=(self.contact_email.data or "").strip(),
            language=self.language.data,
        )


class RegisterPlaceForm(PlaceForm):
    submit = SubmitField(_l("Make my poster code"))


class EditPlaceForm(PlaceForm):
    submit = SubmitField(_l("Save changes"))


class RetirePlaceForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that posters with this code will no longer name this place"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Retire this code"))


class PosterOptionsForm(FlaskForm):
    """A GET form (no CSRF: it changes nothing) whose answers go in the poster's address."""

    class Meta:
        csrf = False

    key = HiddenField()
    size = SelectField(_l("Size"), choices=[SelectChoice(s.key, s.label) for s in PAPER_SIZES.values()], default="a4")
    language = SelectField(_l("Language"))
    second = SelectField(_l("Second language, side by side (optional)"), default=NO_SECOND_LANGUAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.second.choices = [SelectChoice(NO_SECOND_LANGUAGE, _l("None")), *language_choices()]

    def languages(self) -> list[str]:
        second = self.second.data
        return [self.language.data] + ([second] if second and second != self.language.data else [])
