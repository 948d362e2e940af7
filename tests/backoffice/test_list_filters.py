"""Every staff list checks its filters with its form: a value the form refuses is a 400 that says
what is wrong with which filter, never a 500 and never a list filtered some other way."""
from __future__ import annotations

import html
import inspect

import pytest
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange

from app.backoffice import forms as staff_forms
from app.backoffice import translation_forms
from app.models.staff import Role

# Each staff list page and the form that reads its query string.
LISTS = [
    ("/staff/", staff_forms.QueueFilterForm),
    ("/staff/cases", staff_forms.CaseListFilterForm),
    ("/staff/places", staff_forms.PlaceFilterForm),
    ("/staff/audit", staff_forms.AuditFilterForm),
    ("/staff/audit.csv", staff_forms.AuditFilterForm),
    ("/staff/export", staff_forms.ExportForm),
    ("/staff/export.csv", staff_forms.ExportForm),
    ("/staff/translations/es", translation_forms.MessageFilterForm),
]


def _length_limit(field) -> int | None:
    return next((v.max for v in field.validators if isinstance(v, Length) and v.max >= 0), None)


def bad_values(field) -> list[tuple[str, str]]:
    """(value, what the form says) for each way this filter can be given a wrong value."""
    if isinstance(field, SelectField):
        return [("no-such-choice", "Not a valid choice.")]
    if isinstance(field, DateField):
        return [("2026-13-45", "Not a valid date value."), ("yesterday", "Not a valid date value.")]
    if isinstance(field, IntegerField):
        found = [("abc", "Not a valid integer value."), ("1.5", "Not a valid integer value.")]
        if any(isinstance(v, NumberRange) for v in field.validators):
            found.append(("0", "Number must be at least 1."))
        return found
    if isinstance(field, StringField) and _length_limit(field):
        limit = _length_limit(field)
        return [("x" * (limit + 1), f"Field cannot be longer than {limit} characters.")]
    return []


def filter_cases():
    for path, form_class in LISTS:
        for name, unbound in inspect.getmembers(form_class, lambda member: isinstance(member, UnboundField)):
            if unbound.field_class is BooleanField or name == "submit":
                continue  # a checkbox has no wrong value: anything sent means "on"
            yield pytest.param(path, form_class, name, id=f"{path}?{name}")


def test_every_get_filter_form_is_fed_bad_values():
    """A new list page with a filter form must join LISTS, so it is fed bad values too."""
    filter_forms = {cls for module in (staff_forms, translation_forms) for cls in vars(module).values()
                    if isinstance(cls, type) and issubclass(cls, staff_forms.FlaskForm)
                    and getattr(cls.Meta, "csrf", True) is False}
    assert filter_forms == {form_class for _, form_class in LISTS}


@pytest.mark.parametrize(("path", "form_class", "name"), list(filter_cases()))
def test_a_bad_filter_is_a_400_saying_what_is_wrong(app, staff_client, path, form_class, name):
    client, _ = staff_client(Role.ADMIN)
    with app.test_request_context():
        field = form_class(meta={"csrf": False})[name]
        label = str(field.label.text)
    assert bad_values(field), f"no bad value known for {path}?{name}"
    for value, message in bad_values(field):
        response = client.get(path, query_string={name: value})
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400, (name, value)
        assert "These filters cannot be used" in page
        assert f"<dt>{label}</dt>" in page and f"<dd>{message}</dd>" in page, (name, value)


def test_good_filters_still_show_the_list(staff_client):
    client, _ = staff_client(Role.ADMIN)
    for path, query in [("/staff/", {"kind": "threat", "channel": "web_form", "state": "all", "page": "3"}),
                        ("/staff/cases", {"status": "all"}), ("/staff/places", {"status": "all", "page": "0"}),
                        ("/staff/audit", {"subject_type": "staff", "subject_id": "1"}),
                        ("/staff/export", {"since": "2026-01-01", "status": "received"}),
                        ("/staff/translations/es", {"show": "all", "q": "report"})]:
        assert client.get(path, query_string=query).status_code == 200, path
