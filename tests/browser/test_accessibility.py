"""Accessibility for real (WCAG 2.2 AA), in Chromium: axe-core finds nothing on any public page in
any shipped language, light or dark; the report can be sent with the keyboard alone and every
Tab stop shows where focus is; pages reflow at 320 CSS px and at 200% zoom; targets are big
enough to tap; nothing moves for someone who asked for reduced motion.

axe-core comes from npm, pinned in tests/browser/axe/package-lock.json, and is installed by
the `axe_script` fixture when missing. The app's CSP (script-src 'self') rightly refuses an
injected script, so only the axe contexts bypass it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.config import shipped_languages
from app.extensions import db
from app.public.views import CONTENT_PAGES
from tests.browser.conftest import LiveServer
from tests.browser.helpers import SENT, wait_until
from tests.conftest import make_app

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

LANGUAGES = shipped_languages()
SCHEMES = ["light", "dark"]
PAGES = ["/", "/report", "/status", "/offline", *[f"/{slug}" for slug in CONTENT_PAGES]]
# Pages reached by doing something, not by their address alone (see `open_page`).
STATES = ["report: errors", "report: danger now", "report: sent", "report: waiting", "report: not sent, danger now",
          "report: receipt", "status: found", "status: answered", "404", "/places/new"]
# States that leave something behind in the browser (a report waiting in the outbox): each gets
# a context of its own, so that the pages checked after it are the same in any order.
OWN_CONTEXT = {"report: waiting", "report: not sent, danger now"}
EVERY_PAGE = PAGES + STATES
PHONE = {"width": 360, "height": 740}
MIN_TARGET = 44  # CSS px: WCAG 2.5.5's size, kept for every button, form control and emergency link


# --- Fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js, installed from the pinned package-lock.json when missing."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            message = "npm is missing: `apt-get install npm` to install axe-core for the accessibility tests"
            if os.environ.get("NOTICED_CI"):
                pytest.fail(message)
            pytest.skip(message)
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, capture_output=True,
                                text=True, timeout=300)
        if result.returncode != 0 or not AXE_SCRIPT.exists():
            pytest.fail(f"`npm ci` in {AXE_DIR} failed:\n{result.stdout}\n{result.stderr}")
    return AXE_SCRIPT


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_database):
    """One server for the whole module: these tests only read pages and add reports."""
    app = make_app(tmp_path_factory.mktemp("a11y"), migrated_database)
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def tab(browser, site):
    """tab(key, **context options) -> a page in a context kept for the module, one per key."""
    contexts = {}

    def open_tab(key, **options):
        if key not in contexts:
            context = browser.new_context(base_url=site.url, service_workers="block", **options)
            contexts[key] = context.new_page()
        return contexts[key]

    yield open_tab
    for page in contexts.values():
        page.context.close()


def tab_for(tab, key: tuple, name: str, **options):
    return tab((*key, name) if name in OWN_CONTEXT else key, **options)


# --- Getting to each page ------------------------------------------------------------------

def open_page(page, lang: str, name: str) -> None:
    """Show the page `name` in `lang`: an address from PAGES, or one of the STATES."""
    if name.startswith("/"):
        response = page.goto(f"/{lang}{name}")
        assert response.status == 200, f"/{lang}{name} answered {response.status}"
    elif name == "404":
        response = page.goto(f"/{lang}/no-such-page")
        assert response.status == 404
    elif name == "report: errors":
        page.goto(f"/{lang}/report")
        with page.expect_navigation():  # the page script lets the server show the errors
            page.locator("#report-form [type=submit]").click()
        page.locator("#error-summary").wait_for()
    elif name == "report: danger now":
        page.goto(f"/{lang}/report")
        page.locator("input[name=danger_now][value=yes]").check()
        page.locator("#danger-now-call").wait_for()
    elif name == "report: sent":  # the page script keeps the report and sends it
        page.goto(f"/{lang}/report")
        fill_report(page)
        page.locator("#report-form [type=submit]").click()
        page.locator(".sent-receipt .receipt-code").wait_for()
        sent_at = page.locator("#queue-strings").get_attribute("data-sent-at")
        sent = re.compile(re.escape(sent_at).replace(re.escape("{time}"), ".+"))
        expect(page.locator(".sent-receipt [data-slot=state]")).to_have_text(sent, timeout=15000)
    elif name == "report: not sent, danger now":  # no signal, someone in danger: the receipt says
        # that nobody has the report yet, and to call 911
        page.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
        page.goto(f"/{lang}/report")
        fill_report(page)
        page.locator("input[name=danger_now][value=yes]").check()
        page.locator("#report-form [type=submit]").click()
        page.locator(".sent-receipt [data-slot=danger-unsent] a[href='tel:911']").wait_for()
    elif name == "report: waiting":  # no signal: the report waits on the phone, and every page
        # says so, with the time of the last try and buttons to send or copy it
        page.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
        page.goto(f"/{lang}/report")
        fill_report(page)
        page.locator("#report-form [type=submit]").click()
        page.locator(".sent-receipt").wait_for()
        tried = "NoticedQueue.all().then(rs => rs.length > 0 && rs.every(r => r.lastAttemptAt))"
        wait_until(lambda: page.evaluate(tried))
        page.goto(f"/{lang}/")
        page.locator("#queue-status button").first.wait_for(timeout=10000)
    elif name == "report: receipt":
        send_without_javascript(page, lang)
    elif name in ("status: found", "status: answered"):
        receipt = send_without_javascript(page, lang)
        page.goto(f"/{lang}/status")
        page.locator("input[name=receipt]").fill(receipt)
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        page.locator(".status-steps").wait_for()
        if name == "status: answered":
            page.locator("textarea[name=body]").fill("I remembered: it was after the last class.")
            with page.expect_navigation():
                page.locator("main form [type=submit]").click()
            page.locator("main .ok[role=status]").wait_for()
    else:
        raise ValueError(name)


def submit_without_javascript(page) -> None:
    """Send the report form the way a browser without JavaScript does: HTMLFormElement.submit()
    skips the page's submit handler, so the server answers with its own page."""
    with page.expect_navigation():
        page.evaluate("document.getElementById('report-form').submit()")


def fill_report(page) -> None:
    page.locator("input[name=kind][value=online]").check()
    page.locator("textarea[name=description]").fill("He said he will bring a knife to school on Monday.")


def send_without_javascript(page, lang: str) -> str:
    page.goto(f"/{lang}/report")
    fill_report(page)
    submit_without_javascript(page)
    return page.locator("#receipt-code").inner_text()


# --- axe-core ------------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", EVERY_PAGE)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_wcag_violation_in_light_or_dark(tab, axe_script, lang, name):
    """Each page once per language, checked in both colour schemes: the scheme is switched on the
    page as it stands (prefers-color-scheme is live), which halves the page loads."""
    page = tab_for(tab, ("axe", lang), name, bypass_csp=True, color_scheme="light", viewport=PHONE)
    page.emulate_media(color_scheme="light")
    open_page(page, lang, name)
    page.add_script_tag(path=str(axe_script))
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        found[scheme] = page.evaluate(RUN_AXE, WCAG_AA_TAGS)
    assert found == {scheme: [] for scheme in SCHEMES}, "\n".join(
        f"axe on {page.url} ({lang}, {scheme}):\n{describe(violations)}"
        for scheme, violations in found.items() if violations)


# --- Keyboard alone ------------------------------------------------------------------------

FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), type: el.type || null,
          value: el.value === undefined ? null : el.value, text: (el.innerText || '').trim().slice(0, 60),
          className: typeof el.className === 'string' ? el.className : '',
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
          boxShadow: style.boxShadow, checked: !!el.checked,
          inViewport: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                      && box.top < innerHeight && box.left < innerWidth};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS)


def shows_focus(state: dict) -> bool:
    outlined = state["outlineStyle"] not in ("none", "hidden") and state["outlineWidth"] > 0
    return outlined or state["boxShadow"] not in ("none", "")


def tab_until(page, matches, limit=40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert shows_focus(state), f"no visible focus indicator on {state}"
        if matches(state):
            return state
    raise AssertionError(f"not reached with Tab; last focus: {state}")


def test_report_sent_with_the_keyboard_alone(tab, site):
    page = tab("keyboard", viewport=PHONE)  # the app's CSP stays on here
    page.goto("/en/report")
    before = site.report_count()

    skip = tab_until(page, lambda s: True, limit=1)
    assert "skip" in skip["className"] and skip["inViewport"], f"first Tab stop is not a visible skip link: {skip}"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    tab_until(page, lambda s: s["name"] == "kind")
    page.keyboard.press("ArrowDown")  # arrows move through a radio group; Space chooses
    page.keyboard.press("Space")
    kind = focused(page)
    assert kind["name"] == "kind" and kind["checked"]

    tab_until(page, lambda s: s["name"] == "description")
    page.keyboard.type("He posted that he will bring a gun to the game on Friday.")

    danger = tab_until(page, lambda s: s["name"] == "danger_now")
    for _ in range(3):
        if danger["value"] == "no":
            break
        page.keyboard.press("ArrowUp")
        danger = focused(page)
    assert danger["value"] == "no" and danger["checked"], danger
    assert not page.locator("#danger-now-call").is_visible()

    tab_until(page, lambda s: s["type"] == "submit")
    page.keyboard.press("Enter")

    receipt = page.locator(".sent-receipt")
    receipt.wait_for()
    expect(receipt).to_be_focused()
    assert len(receipt.locator(".receipt-code").inner_text()) == 14
    page.get_by_text(SENT).wait_for(timeout=15000)
    assert site.wait_for_reports(before + 1) == before + 1
    [report] = site.reports()[before:]
    assert report.kind.value == "online" and report.danger_now.value == "no"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_tab_stop_on_the_report_page_shows_where_focus_is(tab, lang):
    page = tab(("focus", lang), viewport=PHONE)
    page.goto(f"/{lang}/report")
    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        state = focused(page)
        if state["tag"] == "body" or (stops and state == stops[0]):
            break  # focus left the page (to the browser's own controls) or came round again
        assert shows_focus(state), f"Tab stop {len(stops) + 1} shows no focus: {state}"
        assert state["inViewport"], f"Tab stop {len(stops) + 1} is not scrolled into view: {state}"
        stops.append(state)
    names = {s["name"] or s["type"] for s in stops}
    assert {"kind", "description", "danger_now", "occurred_at", "contact", "photos", "submit"} <= names
    # Shift+Tab goes back the same way.
    page.keyboard.press("Shift+Tab")
    assert shows_focus(focused(page))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_link_of_the_error_summary_leads_to_its_field(tab, lang):
    page = tab(("errors", lang), viewport=PHONE)
    open_page(page, lang, "report: errors")
    links = page.locator("#error-summary a")
    assert links.count() == 2  # what you are worried about, and what happened
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert page.locator(target).count() == 1, f"{target} leads nowhere"
    links.last.focus()
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "description"


# --- Reflow: 320 CSS px and 200% zoom ------------------------------------------------------

OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.body.querySelectorAll('*:not(.skip)')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width && (box.right > root.clientWidth + 1 || box.left < -1);
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (typeof el.className === 'string' && el.className
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, clientWidth: root.clientWidth, wide};
}"""


def assert_no_sideways_scrolling(page, what: str) -> None:
    size = page.evaluate(OVERFLOW)
    assert size["scrollWidth"] <= size["innerWidth"], f"{what} scrolls sideways: {size}"
    assert size["scrollWidth"] <= size["clientWidth"], f"{what} scrolls sideways: {size}"


@pytest.mark.parametrize("name", EVERY_PAGE)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_page_reflows_at_320_css_px_and_at_200_percent_zoom(tab, lang, name):
    page = tab_for(tab, ("reflow", lang), name, viewport={"width": 320, "height": 640})
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(page, lang, name)
    assert_no_sideways_scrolling(page, f"{page.url} at 320 px")
    # 200% zoom on a 1280 px wide screen: Chromium's CSS zoom on the root, the page not reloaded.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("document.documentElement.style.zoom = '2'")
    assert page.evaluate("getComputedStyle(document.documentElement).zoom") == "2"
    assert_no_sideways_scrolling(page, f"{page.url} at 200% zoom")


# --- Target size ---------------------------------------------------------------------------

TARGETS = """() => {
  // Left out: what nobody can see or reach (the honeypot lies in a clipped, aria-hidden box).
  const visible = el => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0
                          && getComputedStyle(el).visibility !== 'hidden'
                          && !el.closest('[aria-hidden=true], .visually-hidden'); };
  const targets = [...document.querySelectorAll(
      '.emergency a, #report-form button, #report-form input:not([type=hidden]), #report-form textarea, '
      + '#report-form select, #report-form .danger-now-call a, #report-form .crisis-call a')].filter(visible);
  return targets.map(el => {
    // A radio button or check box is tapped through its label, which wraps it.
    const target = (el.type === 'radio' || el.type === 'checkbox') && el.closest('label') || el;
    const b = target.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), href: el.getAttribute('href'),
            width: Math.round(b.width * 10) / 10, height: Math.round(b.height * 10) / 10};
  });
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_buttons_form_controls_and_emergency_links_are_44_px_targets(tab, lang):
    page = tab(("targets", lang), viewport={"width": 320, "height": 640})
    page.goto(f"/{lang}/report")
    page.locator("input[name=danger_now][value=yes]").check()  # shows the "call 911 now" line too
    page.locator("input[name=kind][value=self_harm]").check()  # and the 988 Lifeline box
    targets = page.evaluate(TARGETS)
    assert len(targets) >= 15
    small = [t for t in targets if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET]
    assert small == [], "targets smaller than 44x44 CSS px:\n" + "\n".join(map(str, small))
    links = [t["href"] for t in targets if t["href"]]
    # The emergency line, "call 911 now", and the 988 box for someone who may hurt themselves;
    # in Spanish also the Lifeline's own Spanish service (call and press 2, or text AYUDA).
    spanish_lifeline = ["sms:988?&body=AYUDA", "tel:988"] if lang == "es" else []
    assert sorted(links) == sorted(["sms:988", "sms:988", "tel:911", "tel:911", "tel:911", "tel:988", "tel:988",
                                    *spanish_lifeline])


# --- Reduced motion ------------------------------------------------------------------------

@pytest.mark.parametrize("name", PAGES + ["report: receipt"])
def test_nothing_moves_when_reduced_motion_is_asked_for(tab, name):
    page = tab("reduced-motion", viewport=PHONE, reduced_motion="reduce")
    open_page(page, "en", name)
    page.wait_for_load_state("load")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    page.keyboard.press("Tab")  # a change of focus is where a transition would start
    running = page.evaluate(
        "document.getAnimations().map(a => a.animationName || a.transitionProperty || a.id || 'animation')")
    assert running == [], f"{page.url} animates under reduced motion: {running}"
