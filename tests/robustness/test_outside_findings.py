"""The outside test's smaller findings (issue 15): a 405 names the methods allowed, photos are
readable by the app's own user only, a CSV cell written with fullwidth or other look-alike formula
signs is neutralised, and the place's manage page has no id twice."""
from __future__ import annotations

import csv
import io
import re
import stat
from collections import Counter

import pytest

from app.services.attachments import FolderStore
from app.services.exports import neutralise, write_csv
from tests.posters.conftest import registration_answers


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/en/", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "/en/places/new", {"GET", "HEAD", "OPTIONS", "POST"}),
])
def test_a_405_page_says_which_methods_are_allowed(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    assert response.mimetype == "text/html"  # still the translated page


def test_a_405_from_the_api_says_which_methods_are_allowed(client):
    response = client.get("/api/v1/reports")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"].split(", ")
    assert response.is_json


def test_photos_are_written_readable_by_the_app_alone(tmp_path):
    store = FolderStore(tmp_path / "attachments")
    store.save("photo.jpg", b"\xff\xd8 not really a photo")
    assert stat.S_IMODE((tmp_path / "attachments" / "photo.jpg").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "attachments").stat().st_mode) == 0o700


@pytest.mark.parametrize("cell", [
    "＝HYPERLINK(\"http://evil.example\")",  # fullwidth equals sign
    "＋1＋1", "－2", "＠SUM(A1)",  # fullwidth plus, hyphen-minus and commercial at
    "﹦1+1", "﹢1", "﹣1", "﹫SUM(A1)",  # the small forms
    "\u22121",  # the minus sign
    " =1+1", "\u3000＝1+1", "\u00a0@SUM(A1)",  # behind a space, an ideographic space, a no-break space
    "\n=1+1",
])
def test_look_alike_formula_signs_are_neutralised_in_the_csv(cell):
    out = io.StringIO()
    write_csv([["description"], [neutralise(cell)]], out)
    [_, [written]] = list(csv.reader(io.StringIO(out.getvalue())))
    assert written == "'" + cell


@pytest.mark.parametrize("cell", ["Ｈe said ＝ nothing", "2 + 2", "a-b", "日本語の説明"])
def test_text_that_only_contains_those_signs_is_left_alone(cell):
    assert neutralise(cell) == cell


def duplicate_ids(html: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, count in counts.items() if count > 1)


def test_the_place_manage_page_has_no_id_twice(client):
    registered = client.post("/en/places/new", data=registration_answers(client)).get_data(as_text=True)
    key = re.search(r"/places/manage\?key=([A-Za-z0-9_-]+)", registered).group(1)
    page = client.get(f"/en/places/manage?key={key}").get_data(as_text=True)
    assert duplicate_ids(page) == []
    # ...and each label still names its own field.
    for label_for in re.findall(r'<label for="([^"]+)"', page):
        assert f'id="{label_for}"' in page
    assert 'for="poster-language"' in page and 'for="language"' in page
    # A failed edit shows the form again, errors and all, still without a repeated id.
    failed = client.post(f"/en/places/manage?key={key}", data={"name": "", "kind": "business"})
    assert failed.status_code == 422
    assert duplicate_ids(failed.get_data(as_text=True)) == []
