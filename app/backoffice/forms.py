"""The back office's forms. Labels and messages go through _l() so they translate lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField, RadioField,
                     SelectChoice, SelectField, StringField, SubmitField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp

from app.backoffice import labels
from app.services.cases import CASE_KEY
from app.services.listing import SortKey
from app.services.staff import MIN_PASSWORD_LENGTH
from app.services.triage import QUEUE_KEY

NOTE_MAX = 10000


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    submit = SubmitField(_l("Continue"))


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(_l("Enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})
    submit = SubmitField(_l("Sign in"))


class EnrolForm(FlaskForm):
    code = StringField(_l("The 6-digit code your app shows now"), validators=[DataRequired(_l("Enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on two-step sign-in"))


def _new_password_field() -> PasswordField:
    return PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})


class SetPasswordForm(FlaskForm):
    password = _new_password_field()
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password_field()
    # Typed twice: nobody can sign in with a password they mistyped once without seeing it.
    new_password_again = PasswordField(_l("New password, again"), validators=[
        DataRequired(_l("Type the new password a second time.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


# Reports -----------------------------------------------------------------------------------

class TriageForm(FlaskForm):
    decision = RadioField(_l("Triage decision"), choices=labels.choices(labels.TRIAGE_DECISIONS),
                          validators=[InputRequired(_l("Choose a decision."))])
    person_of_concern = StringField(_l("Person of concern (for a new case)"), validators=[Optional(), Length(max=300)])
    reassess_on = DateField(_l("Reassess on (for a new case)"), validators=[Optional()])
    submit = SubmitField(_l("Record decision"))


class LinkToCaseForm(FlaskForm):
    case_id = SelectField(_l("Add to an open case"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Link to case"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message to the reporter"), validators=[
        DataRequired(_l("Write the message.")), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Send to the reporter"))


class PublicStatusForm(FlaskForm):
    status = SelectField(_l("What the reporter sees"), choices=labels.choices(labels.PUBLIC_STATUSES))
    submit = SubmitField(_l("Update status"))


class TransferForm(FlaskForm):
    team_id = SelectField(_l("Transfer to team"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Transfer"))


def _page_field() -> IntegerField:
    # A number past either end shows the nearest page; only something that is not a number is refused.
    return IntegerField(_l("Page"), widget=HiddenField.widget, default=1, validators=[Optional()])


def _row_key_field(sort_key: SortKey) -> StringField:
    """A page link's "after" or "before": the key of a row of the list (services.listing.keyset_page).
    Our links write it, so one that cannot be read is an edited address, refused like any filter."""
    def readable(form, field) -> None:
        try:
            sort_key.read(field.data)
        except ValueError:
            raise ValidationError(_l("This is not a link to a page of this list.")) from None

    return StringField(_l("Page"), widget=HiddenField.widget, validators=[Optional(), Length(max=60), readable])


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    state = SelectField(_l("Show"), default="new", choices=labels.options(
        [("new", _l("New (not triaged)")), ("triaged", _l("Triaged")), ("all", _l("All"))]))
    kind = SelectField(_l("Kind"), default="", choices=labels.any_or(labels.KINDS))
    channel = SelectField(_l("Channel"), default="", choices=labels.any_or(labels.CHANNELS))
    language = SelectField(_l("Language"), default="")
    place = SelectField(_l("Place"), default="")
    team = SelectField(_l("Team"), default="")
    q = StringField(_l("Search the text, or #number"), validators=[Optional(), Length(max=200)])
    after = _row_key_field(QUEUE_KEY)
    before = _row_key_field(QUEUE_KEY)
    last = BooleanField()


# Cases -------------------------------------------------------------------------------------

class CaseListFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET list: it changes nothing

    status = SelectField(_l("Which cases"), default="open", choices=labels.options(
        [("open", _l("Open")), ("closed", _l("Closed")), ("all", _l("All"))]))
    after = _row_key_field(CASE_KEY)
    before = _row_key_field(CASE_KEY)
    last = BooleanField()


def _reassessment_date_field() -> DateField:
    return DateField(_l("Reassess on"), validators=[InputRequired(_l("An open case needs a reassessment date."))])


class CaseDetailsForm(FlaskForm):
    person_of_concern = StringField(_l("Person of concern"), validators=[DataRequired(), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    priority = SelectField(_l("Priority"), choices=labels.choices(labels.PRIORITIES))
    status = SelectField(_l("Status"), choices=labels.choices(labels.OPEN_STATUSES))
    reassess_on = _reassessment_date_field()
    submit = SubmitField(_l("Save"))


class LinkReportForm(FlaskForm):
    report_id = IntegerField(_l("Report number"), validators=[InputRequired(_l("Enter a report number.")),
                                                              NumberRange(min=1)])
    submit = SubmitField(_l("Link report"))


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(_l("Merge this duplicate case into this one (case number)"),
                                validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Merge"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Private note"), validators=[DataRequired(_l("Write the note.")), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Add note"))


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(_l("Say what needs doing.")), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    submit = SubmitField(_l("Add task"))


class AssessmentForm(FlaskForm):
    communicated_intent = TextAreaField(_l("Communicated intent"), validators=[Length(max=NOTE_MAX)])
    grievance = TextAreaField(_l("Grievance"), validators=[Length(max=NOTE_MAX)])
    violence_interest_or_weapons_access = TextAreaField(_l("Interest in violence, or access to weapons"),
                                                        validators=[Length(max=NOTE_MAX)])
    planning_or_preparation = TextAreaField(_l("Planning or preparation"), validators=[Length(max=NOTE_MAX)])
    stressors = TextAreaField(_l("Stressors"), validators=[Length(max=NOTE_MAX)])
    protective_factors = TextAreaField(_l("Protective factors"), validators=[Length(max=NOTE_MAX)])
    support_in_place = TextAreaField(_l("Support in place"), validators=[Length(max=NOTE_MAX)])
    judgement = TextAreaField(_l("The team's judgement: is this person on a path to violence, and why?"),
                              validators=[Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Save assessment"))


class PlanForm(FlaskForm):
    management_plan = TextAreaField(_l("Management plan"), validators=[Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Save plan"))


class ReferralForm(FlaskForm):
    kind = SelectField(_l("Referral to"), choices=labels.choices(labels.REFERRALS))
    note = StringField(_l("Details"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Add referral"))


class CloseCaseForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=labels.choices(labels.OUTCOMES),
                         validators=[InputRequired(_l("Choose an outcome to close the case."))])
    submit = SubmitField(_l("Close case"))


class ReopenCaseForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen the case?"), validators=[
        DataRequired(_l("Say why the case is reopened.")), Length(max=NOTE_MAX)])
    reassess_on = _reassessment_date_field()
    submit = SubmitField(_l("Reopen case"))


# Places ------------------------------------------------------------------------------------

STAFF_REASON_MAX = 300  # the column's size (PlaceStaffChange.reason)


class PlaceFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    status = SelectField(_l("Show"), default="all",
                         choices=[SelectChoice("all", _l("All")), *labels.choices(labels.PLACE_STATUSES)])
    q = StringField(_l("Search the name, area or code"), validators=[Optional(), Length(max=120)])
    page = _page_field()


def _staff_reason_field(label) -> StringField:
    return StringField(label, validators=[
        DataRequired(_l("Say why, in a few words.")),
        Length(max=STAFF_REASON_MAX, message=_l("Please keep this under %(max)d characters."))])


class RenamePlaceForm(FlaskForm):
    new_name = StringField(_l("New name"), validators=[
        DataRequired(_l("Give the name reporters should see.")),
        Length(max=120, message=_l("Please keep this under %(max)d characters."))])
    # Translators: asks a lead why they changed the name a business gave its place.
    rename_reason = _staff_reason_field(_l("Why rename the place?"))
    submit = SubmitField(_l("Rename the place"))


class RetirePlaceByStaffForm(FlaskForm):
    # Translators: asks a lead why they stopped a place's poster code from naming the place.
    retire_reason = _staff_reason_field(_l("Why retire the code?"))
    submit = SubmitField(_l("Retire the code"))


# Administration ----------------------------------------------------------------------------

class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                                       message=_l("Enter a valid email address."))])
    role = SelectField(_l("Role"), choices=labels.choices(labels.ROLES))
    team_id = SelectField(_l("Team"), coerce=int)
    submit = SubmitField(_l("Invite"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=labels.choices(labels.ROLES))
    submit = SubmitField(_l("Change role"))


class StaffTeamForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=int)
    submit = SubmitField(_l("Move"))


class OnCallForm(FlaskForm):
    position = IntegerField(_l("On-call position (empty: not on call)"), validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField(_l("Save"))


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Add team"))


class RoutingRuleForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=int)
    place_code = StringField(_l("Place code"), validators=[Optional(), Length(max=16)])
    area = StringField(_l("or area"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Route to team"))


AUDIT_SUBJECTS = {"report": _l("Reports"), "case": _l("Cases"), "staff": _l("Staff"), "team": _l("Teams"),
                  "place": _l("Places")}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET list: it changes nothing

    subject_type = SelectField(_l("About"), default="", choices=labels.options(
        [("", _l("Anything")), *AUDIT_SUBJECTS.items()]))
    subject_id = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=1)])


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET download

    since = DateField(_l("Received from"), validators=[Optional()])
    until = DateField(_l("Received until"), validators=[Optional()])
    status = SelectField(_l("Status"), default="", choices=labels.any_or(labels.PUBLIC_STATUSES))
    submit = SubmitField(_l("Download CSV"))
