"""The short link /r/<code> on a poster: the report form in the phone's language with the place
filled in; a scan counted per day and nothing about the visitor; never a dead end."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import MetaData, select

from app.extensions import db
from app.models.place import Place, PlaceScanDay
from app.services.places import normalise_place_code, retire_place
from tests.conftest import hidden_fields


def scans_today(db_session) -> int:
    today = datetime.now(timezone.utc).date()
    row = db_session.execute(select(PlaceScanDay).where(PlaceScanDay.day == today)).scalar_one_or_none()
    db_session.expire_all()
    return row.scans if row else 0


def test_short_link_opens_the_form_in_the_phones_language_with_the_place_filled_in(client, register):
    place = register()
    response = client.get(f"/r/{place.code}", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/es/report?place={place.code}"
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in form
    assert "Reportando desde: Main Street Pharmacy" in form
    assert hidden_fields(form)["place"] == place.code


def test_arabic_phone_gets_the_arabic_form(client, register):
    place = register()
    response = client.get(f"/r/{place.code}", headers={"Accept-Language": "ar-EG,ar;q=0.9"})
    assert response.headers["Location"] == f"/ar/report?place={place.code}"


def test_filipino_and_chinese_phones_get_their_forms_in_their_language(client, register):
    place = register()
    filipino = client.get(f"/r/{place.code}", headers={"Accept-Language": "fil-PH,fil;q=0.9"})
    assert filipino.headers["Location"] == f"/tl/report?place={place.code}"
    assert "Mag-ulat" in client.get(filipino.headers["Location"]).get_data(as_text=True)
    chinese = client.get(f"/r/{place.code}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert chinese.headers["Location"] == f"/zh_Hans/report?place={place.code}"


def test_a_phone_language_we_do_not_ship_gets_the_places_language(client, register):
    place = register(language="es")
    french = client.get(f"/r/{place.code}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.headers["Location"] == f"/es/report?place={place.code}"
    no_header = client.get(f"/r/{place.code}")
    assert no_header.headers["Location"] == f"/es/report?place={place.code}"


def test_a_code_typed_in_lower_case_still_finds_the_place(client, register):
    place = register()
    response = client.get(f"/r/{place.code.lower()}", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == f"/en/report?place={place.code}"


def test_letters_that_look_like_digits_are_read_as_digits():
    assert normalise_place_code("ab1o2il3") == "AB102113"
    assert normalise_place_code("AB12CD3U") is None  # U is not in the alphabet
    assert normalise_place_code("AB12") is None


def test_each_scan_is_counted_for_the_day(client, register, db_session):
    place = register()
    for _ in range(3):
        client.get(f"/r/{place.code}")
    assert scans_today(db_session) == 3


def test_a_head_request_from_a_link_checker_is_not_a_scan(client, register, db_session):
    place = register()
    assert client.head(f"/r/{place.code}").status_code == 302
    assert scans_today(db_session) == 0


def everything_stored() -> str:
    """Every value in every table of the database (read from the database itself, not the models)."""
    tables = MetaData()
    tables.reflect(bind=db.engine)
    with db.engine.connect() as connection:
        return "\n".join(str(row) for table in tables.sorted_tables for row in connection.execute(select(table)))


def test_a_scan_stores_nothing_that_identifies_the_visitor(client, register):
    place = register()
    client.set_cookie("visitor", "cookie-value-7c1d")
    response = client.get(
        f"/r/{place.code}",
        headers={"User-Agent": "AgentUnderTest/9.9 (Pixel 7)", "X-Forwarded-For": "203.0.113.77",
                 "Accept-Language": "es"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    stored = everything_stored()
    assert place.code in stored  # the search does see what is stored...
    for trace in ("203.0.113.77", "198.51.100.23", "AgentUnderTest", "Pixel 7", "cookie-value-7c1d"):
        assert trace not in stored  # ...and nothing of the visitor is there
    assert PlaceScanDay.__table__.columns.keys() == ["place_id", "day", "scans"]


def test_an_unknown_code_leads_to_the_report_form_with_a_note(client):
    response = client.get("/r/ZZZZ2222", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "This poster's code is not in use any more" in html
    assert 'id="report-form"' in html and 'name="place" type="hidden" value=""' in html
    assert 'href="tel:911"' in html


def test_a_retired_code_still_leads_to_the_report_form_but_is_not_counted(client, register, db_session):
    place = register()
    stored = db_session.execute(select(Place).where(Place.code == place.code)).scalar_one()
    retire_place(db_session, stored, datetime.now(timezone.utc))
    response = client.get(f"/r/{place.code}", headers={"Accept-Language": "es"})
    assert response.headers["Location"] == f"/es/report?place={place.code}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="report-form"' in html
    assert "Main Street Pharmacy" not in html
    assert scans_today(db_session) == 0
    form = client.get(f"/es/report?place={place.code}").get_data(as_text=True)
    assert "Main Street Pharmacy" not in form
