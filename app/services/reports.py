"""Submitting a report: stored completely, exactly once, whatever the network does.

A report is identified by the UUID its phone gave it. Sending it again (a retry after a lost
response, a second tap, a second tab) is a replay: recognised by comparing content and
answered with the same receipt. The same UUID with other content is a conflict.

The receipt code is chosen by the phone (it must show one while offline), but a code another
report already holds is never refused, which would tell anyone that the code exists outside
the look-up budget: the report is stored under a code the server chooses, and the answer is
the same 201 with a code in it. That code is derived with the secret from the report's UUID
and the code sent, so a replay of the same request is given the same code again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.report import Attachment, Channel, ConcernKind, DangerNow, MessageAuthor, Report, ReportMessage
from app.services.attachments import AttachmentStore
from app.services.photos import CleanPhoto
from app.services.receipts import derived_receipt, hashes_match, receipt_hash

# Codes to try, the phone's first: the next ones are taken only by astronomical bad luck.
RECEIPT_CHOICES = 8


@dataclass(frozen=True)
class ReportContent:
    """What the reporter wrote, normalised; two sends of the same report compare equal."""

    kind: str
    description: str
    danger_now: str
    involved: str = ""
    location: str = ""
    occurred_at: str = ""
    still_happening: bool = False
    contact: str = ""
    place_code: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class Submission:
    public_id: str
    receipt: str
    content: ReportContent
    channel: Channel
    # (sha256 of the upload as sent, the cleaned photo): the hash identifies the photo in a replay.
    photos: list[tuple[str, CleanPhoto]] = field(default_factory=list)
    # The form's hidden honeypot field was filled (see ReportForm.honeypot_filled). Not content:
    # left out of the content hash, so reports stored before the flag existed still match a replay.
    possibly_automated: bool = False


class ReportConflict(Exception):
    """The UUID is taken by a report with different content."""


@dataclass(frozen=True)
class SubmitResult:
    report: Report
    created: bool
    # The report's receipt code: the one sent, or the server's when another report holds that one.
    receipt: str


def content_hash(submission: Submission, secret_key: str) -> str:
    document = {
        "content": asdict(submission.content),
        "receipt": receipt_hash(submission.receipt, secret_key),
        "photos": [digest for digest, _ in submission.photos],
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def minute_now() -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0)


def _receipt_choices(submission: Submission, secret_key: str) -> list[str]:
    """The code sent, then the codes the server gives instead, always the same for this report."""
    return [submission.receipt, *(derived_receipt(secret_key, "instead", str(choice), submission.public_id,
                                                  submission.receipt) for choice in range(1, RECEIPT_CHOICES))]


def _receipt_taken(session: Session, hashed_receipt: str) -> bool:
    return session.execute(select(Report.id).where(Report.receipt_hash == hashed_receipt)).first() is not None


def _free_receipt(session: Session, submission: Submission, secret_key: str) -> str:
    for receipt in _receipt_choices(submission, secret_key):
        if not _receipt_taken(session, receipt_hash(receipt, secret_key)):
            return receipt
    raise RuntimeError("no free receipt code")  # every choice taken: a broken random source, not bad luck


def _receipt_of(report: Report, submission: Submission, secret_key: str) -> str:
    for receipt in _receipt_choices(submission, secret_key):
        if hashes_match(report.receipt_hash, receipt_hash(receipt, secret_key)):
            return receipt
    return submission.receipt  # cannot happen: the stored code was one of the choices


def _existing(session: Session, submission: Submission, digest: str, secret_key: str) -> SubmitResult | None:
    report = session.execute(select(Report).where(Report.public_id == submission.public_id)).scalar_one_or_none()
    if report is None:
        return None
    if hashes_match(report.content_hash, digest):
        return SubmitResult(report, created=False, receipt=_receipt_of(report, submission, secret_key))
    raise ReportConflict(submission.public_id)


def submit_report(session: Session, store: AttachmentStore, submission: Submission, secret_key: str,
                  lost_a_race: bool = False) -> SubmitResult:
    """Store the report and its photos in one transaction, or recognise it as already stored.
    The result says which receipt code the report has: the one sent, unless another report
    holds it (see the module's docstring)."""
    # The content hash covers the code as sent, so a replay matches whichever code was stored.
    digest = content_hash(submission, secret_key)
    existing = _existing(session, submission, digest, secret_key)
    if existing:
        return existing

    receipt = _free_receipt(session, submission, secret_key)
    content = submission.content
    report = Report(
        public_id=submission.public_id,
        receipt_hash=receipt_hash(receipt, secret_key),
        content_hash=digest,
        kind=ConcernKind(content.kind),
        description=content.description,
        danger_now=DangerNow(content.danger_now),
        involved=content.involved,
        location=content.location,
        occurred_at=content.occurred_at,
        still_happening=content.still_happening,
        contact=content.contact,
        place_code=content.place_code,
        language=content.language,
        channel=submission.channel,
        possibly_automated=submission.possibly_automated,
        received_at=minute_now(),
    )
    written: list[str] = []
    try:
        for position, (_, photo) in enumerate(submission.photos):
            name = store.new_name(photo.extension)
            store.save(name, photo.data)
            written.append(name)
            report.attachments.append(Attachment(
                position=position, stored_name=name, media_type=photo.media_type, size_bytes=len(photo.data)))
        session.add(report)
        session.commit()
    except IntegrityError:
        session.rollback()
        _discard(store, written)
        # Lost a race with a concurrent send of the same report: it is a replay or a conflict.
        existing = _existing(session, submission, digest, secret_key)
        if existing:
            return existing
        if not lost_a_race and _receipt_taken(session, report.receipt_hash):
            # Another report took the same code meanwhile: once more, and the next code is chosen.
            return submit_report(session, store, submission, secret_key, lost_a_race=True)
        # Any other constraint failure is ours, not the reporter's: a 5xx, which the phone retries.
        raise
    except BaseException:
        session.rollback()
        _discard(store, written)
        raise
    return SubmitResult(report, created=True, receipt=receipt)


def _discard(store: AttachmentStore, names: list[str]) -> None:
    for name in names:
        store.delete(name)


def find_by_receipt(session: Session, receipt: str, secret_key: str) -> Report | None:
    wanted = receipt_hash(receipt, secret_key)
    report = session.execute(select(Report).where(Report.receipt_hash == wanted)).scalar_one_or_none()
    if report is None or not hashes_match(report.receipt_hash, wanted):
        return None
    return report


def add_reporter_message(session: Session, report: Report, body: str, language: str) -> ReportMessage:
    """The reporter's answer, in the language of the page it was written on. Added and flushed
    (for its id); the view commits."""
    message = ReportMessage(author=MessageAuthor.REPORTER, body=body, sent_at=minute_now(), language=language)
    report.messages.append(message)
    session.flush()
    return message
