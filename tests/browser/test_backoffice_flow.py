"""A lead's day in the back office, in a real browser: sign in with two factors (setting them up,
as at a first sign-in), triage a new report into a case, link a second report, set the
reassessment date, message the reporter, and close the case."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pyotp
from flask import current_app

from app.extensions import db
from app.models.report import Channel
from app.models.staff import Role
from app.services import staff as accounts
from app.services.attachments import attachment_store
from app.services.receipts import new_receipt
from app.services.reports import ReportContent, Submission, submit_report

PASSWORD = "a long enough browser password"


def stored_report(description: str) -> tuple[int, str]:
    receipt = new_receipt()
    submission = Submission(public_id=str(uuid.uuid4()), receipt=receipt, channel=Channel.APP,
                            content=ReportContent(kind="threat", description=description, danger_now="no"))
    report = submit_report(db.session, attachment_store(current_app.config), submission,
                           current_app.config["SECRET_KEY"]).report
    return report.id, receipt


def test_lead_triages_a_report_into_a_case_and_closes_it(browser, live_server):
    with live_server.app.app_context():
        accounts.create_staff(db.session, "lead@example.org", Role.LEAD, password=PASSWORD)
        first_id, receipt = stored_report("He said he would bring a knife on Friday.")
        second_id, _ = stored_report("Same boy, threatening posts again.")
        db.session.remove()
    context = browser.new_context(base_url=live_server.url, service_workers="block")
    page = context.new_page()

    # Sign in: password, then two-step sign-in set up with the authenticator key on the page.
    page.goto("/staff/")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".qr svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()

    # Triage the first report into a case.
    page.get_by_role("link", name=f"Report #{first_id}", exact=True).click()
    assert page.get_by_text("He said he would bring a knife on Friday.").is_visible()
    page.get_by_label("Open a case").check()
    page.get_by_label("Person of concern (for a new case)").fill("Boy in class 9B")
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Boy in class 9B")

    # Link the second report.
    page.get_by_label("Report number").fill(str(second_id))
    page.get_by_role("button", name="Link report").click()
    assert page.get_by_text("Report linked.").is_visible()
    assert page.get_by_text("Same boy, threatening posts again.").is_visible()

    # Set the reassessment date.
    reassess_on = (date.today() + timedelta(days=14)).isoformat()
    page.get_by_label("Reassess on", exact=True).fill(reassess_on)
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("Case saved.").is_visible()
    assert page.locator(".facts").get_by_text(reassess_on).is_visible()

    # Message the reporter, who reads it on the status page with the receipt code.
    page.get_by_role("link", name=f"Report #{first_id}", exact=True).click()
    page.get_by_label("Message to the reporter").fill("Thank you. Did he say which Friday?")
    page.get_by_role("button", name="Send to the reporter").click()
    assert page.get_by_text("Message sent.").is_visible()
    reporter = context.new_page()
    reporter.goto("/en/status")
    reporter.get_by_label("Receipt code").fill(receipt)
    reporter.get_by_role("button", name="Check report").click()
    assert reporter.get_by_text("Thank you. Did he say which Friday?").is_visible()
    reporter.close()

    # Close the case with an outcome.
    page.get_by_role("link", name="Case #").first.click()
    page.get_by_label("Resolved: support in place").check()
    page.get_by_role("button", name="Close case").click()
    assert page.get_by_text("Case closed.").is_visible()
    assert page.locator(".facts").get_by_text("Closed", exact=True).is_visible()
    context.close()
