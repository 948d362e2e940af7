"""What a person does on the report page, in Playwright terms."""
from __future__ import annotations

import re
import time

# The receipt once the server has the report, with the time it arrived in the reader's language.
SENT = re.compile(r"Sent at \S.*\. The prevention team has your report\.")
OUTBOX = "NoticedQueue.all().then(rs => rs.map(r => ({id: r.id, state: r.state, problem: r.problem, fields: r.fields})))"


def fill_report(page, description="He posted that he will bring a gun to the game on Friday."):
    page.get_by_label("A worrying post or message online").check()
    page.get_by_label("What happened?").fill(description)


def send(page):
    page.get_by_role("button", name="Send report").click()


def outbox(page) -> list[dict]:
    return page.evaluate(OUTBOX)


def wait_until(predicate, timeout=15.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def wait_for_offline_copy(page, *paths):
    """Until the service worker controls the page and keeps these pages for offline use."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for path in paths:
        wait_until(lambda: page.evaluate("p => caches.match(p).then(Boolean)", path), timeout=20)


def queue_reports(page, count: int, prefix: str) -> None:
    """Put reports straight into the phone's outbox, as the form would, numbered from 1."""
    page.evaluate("""async ([count, prefix]) => {
        for (let i = 1; i <= count; i++) {
            await NoticedQueue.enqueue({id: NoticedQueue.newId(), receipt: NoticedQueue.newReceipt(),
                fields: {kind: 'other', description: prefix + i, language: 'en'}});
        }
    }""", [count, prefix])
