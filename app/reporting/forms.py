"""The report form and the follow-up forms. The JSON API validates with the same ReportForm."""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, MultipleFileField, RadioField, SelectChoice, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.models.report import ConcernKind, DangerNow
from app.services.photos import MAX_PHOTOS
from app.services.receipts import normalise_receipt

DESCRIPTION_MAX = 5000
PLACE_CODE = re.compile(r"[A-Z0-9]{4,16}")
# The honeypot's name in the page: one that autofill and password managers have no reason to fill
# (they look for names such as "website", "url", "name" or "email"). The JSON API still calls it
# `website`, so reports already queued on phones keep their meaning.
HONEYPOT_FIELD_NAME = "follow_up_topic"
# Characters no one types: NUL (PostgreSQL cannot store it in text) and the halves of a broken
# UTF-16 pair that JSON can carry as "\ud800" escapes (no database can store those as text).
_UNTYPEABLE = re.compile(r"[\x00\ud800-\udfff]")


def report_rate_limit() -> str:
    """The per-client limit on sending reports, shared by the form and the API (REPORT_RATE_LIMIT)."""
    return current_app.config["REPORT_RATE_LIMIT"]


def typeable_text(value):
    """Drop NUL and turn broken surrogate halves into U+FFFD, so any text can be stored as sent.

    Deterministic, so a replay of the same report still compares equal to the stored one."""
    if not isinstance(value, str):
        return value
    return _UNTYPEABLE.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", value)


def kind_choices():
    return [
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(ConcernKind.THREAT.value, _l("A threat, or someone saying they will hurt people")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(ConcernKind.ONLINE.value, _l("A worrying post or message online")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(ConcernKind.WEAPONS.value, _l("Weapons, or planning an attack")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(ConcernKind.SELF_HARM.value, _l("Someone who may hurt themselves")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(ConcernKind.OTHER.value, _l("Something else")),
    ]


def danger_choices():
    return [
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(DangerNow.YES.value, _l("Yes")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(DangerNow.NO.value, _l("No")),
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        SelectChoice(DangerNow.UNSURE.value, _l("I am not sure")),
    ]


def valid_uuid(form, field):
    # The canonical 8-4-4-4-12 form only (any case), as phones and our own form make them.
    try:
        canonical = str(uuid.UUID(field.data)) == field.data.lower()
    except (TypeError, ValueError, AttributeError):
        canonical = False
    if not canonical:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise ValidationError(_l("This report has a broken identifier. Please start a new report."))


def valid_receipt(form, field):
    # Exactly as made by new_receipt() (the page or the phone): a report carries it, nobody types it.
    if not field.data or normalise_receipt(field.data) != field.data:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise ValidationError(_l("The receipt code must be three groups of four letters and numbers."))


def valid_when(form, field):
    if not field.data:
        return
    try:
        datetime.strptime(field.data, "%Y-%m-%dT%H:%M")
    except ValueError:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise ValidationError(_l("Give the date and time like 2026-05-31 14:30, or leave it blank."))


class LengthAsSent(Length):
    """A text's length counted as it was sent, before typeable_text drops its NULs: the count the
    API's schema (maxLength in app/api/openapi.json) makes, so both refuse the same texts."""

    def __call__(self, form, field):
        sent = field.raw_data[0] if field.raw_data and isinstance(field.raw_data[0], str) else field.data or ""
        if len(sent) > self.max:
            raise ValidationError(self.message % {"min": self.min, "max": self.max, "length": len(sent)})


def valid_place(form, field):
    # Empty, or a code: not Optional(), which would take "  " for empty where the API's schema
    # (app/api/openapi.json) refuses it.
    if field.data and not PLACE_CODE.fullmatch(field.data):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise ValidationError(_l("This place code is not valid. Leave it blank and describe the place instead."))


class ReportForm(FlaskForm):
    report_id = HiddenField(validators=[DataRequired(), valid_uuid])
    receipt = HiddenField(validators=[DataRequired(), valid_receipt])
    place = HiddenField(validators=[valid_place])
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    kind = RadioField(_l("What are you worried about?"), choices=kind_choices(),
                      # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                      validators=[InputRequired(_l("Choose what you are worried about."))])
    description = TextAreaField(
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        _l("What happened?"), filters=[typeable_text],
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        validators=[DataRequired(_l("Tell us what happened.")),
                    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                    LengthAsSent(max=DESCRIPTION_MAX, message=_l("Please keep this under %(max)d characters."))],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 8},
    )
    # Only a truly empty answer is "not answered" (it becomes "unsure"): Optional() would also wave
    # white space through unchecked, all the way to DangerNow(" ").
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    danger_now = RadioField(_l("Is anyone in danger right now?"), choices=danger_choices(),
                            default=DangerNow.UNSURE.value, validators=[Optional(strip_whitespace=False)])
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    involved = TextAreaField(_l("Who is involved? (optional)"), filters=[typeable_text],
                             # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                             validators=[LengthAsSent(max=2000, message=_l("Please keep this under %(max)d characters."))],
                             render_kw={"rows": 3})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    location = StringField(_l("Where? (optional)"), filters=[typeable_text],
                           # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                           validators=[LengthAsSent(max=500, message=_l("Please keep this under %(max)d characters."))])
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    occurred_at = StringField(_l("When? (optional)"), validators=[valid_when],
                              render_kw={"type": "datetime-local"})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    still_happening = BooleanField(_l("It is still happening"))
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    contact = StringField(_l("Your name, phone or email (optional)"), filters=[typeable_text],
                          # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                          validators=[LengthAsSent(max=300, message=_l("Please keep this under %(max)d characters."))],
                          render_kw={"autocomplete": "off"})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    photos = MultipleFileField(_l("Photos or screenshots (optional, up to 3)"),
                               render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"})
    # The honeypot: hidden from people (visually, from screen readers and from the Tab key) and
    # left empty by them; bots that fill every field fill it. See honeypot_filled().
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    honeypot = StringField(_l("Leave this empty"), name=HONEYPOT_FIELD_NAME, render_kw={
        "autocomplete": "off", "tabindex": "-1",
        # Each password manager's own "leave this field alone": 1Password, LastPass, Bitwarden, Dashlane.
        "data-1p-ignore": True, "data-lpignore": "true", "data-bwignore": True, "data-form-type": "other"})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    submit = SubmitField(_l("Send report"))

    def validate_photos(self, field):
        files = [f for f in (field.data or []) if getattr(f, "filename", None)]
        if len(files) > MAX_PHOTOS:
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            raise ValidationError(_l("You can send up to %(count)d photos.", count=MAX_PHOTOS))

    def honeypot_filled(self) -> bool:
        """Filled in, most likely by a bot, perhaps by a browser's autofill or a password manager
        despite everything above. The report is stored all the same, flagged for the team as
        possibly automated: dropping it could silently lose a real report. The sender gets the
        answer anyone gets, so a bot learns nothing."""
        return bool((self.honeypot.data or "").strip())


class StatusLookupForm(FlaskForm):
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    receipt = StringField(_l("Your receipt code"),
                          # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                          validators=[DataRequired(_l("Enter the receipt code you were given."))],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                     "inputmode": "text", "placeholder": "XXXX-XXXX-XXXX"})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    submit = SubmitField(_l("Check report"))


class ReplyForm(FlaskForm):
    receipt = HiddenField(validators=[DataRequired()])
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    body = TextAreaField(_l("Your answer"),
                         # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                         validators=[DataRequired(_l("Write a message first.")),
                                     # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                                     LengthAsSent(max=DESCRIPTION_MAX, message=_l("Please keep this under %(max)d characters."))],
                         render_kw={"rows": 4})
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    submit = SubmitField(_l("Send answer"))
