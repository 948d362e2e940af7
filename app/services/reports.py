"""Submitting a report: stored completely, exactly once, whatever the network does.

A report is identified by the UUID its phone gave it. Sending it again (a retry after a lost
response, a second tap, a second tab) is a replay: recognised by comparing content and
answered with the same receipt. The same UUID with other content is a conflict.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.report import Attachment, Channel, ConcernKind, DangerNow, Report
from app.services.attachments import AttachmentStore
from app.services.photos import CleanPhoto
from app.services.receipts import hashes_match, receipt_hash


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


class ReceiptInUse(Exception):
    """Another report already has this receipt code."""


@dataclass(frozen=True)
class SubmitResult:
    report: Report
    created: bool


def content_hash(submission: Submission, secret_key: str) -> str:
    document = {
        "content": asdict(submission.content),
        "receipt": receipt_hash(submission.receipt, secret_key),
        "photos": [digest for digest, _ in submission.photos],
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def minute_now() -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0)


def _existing(session: Session, submission: Submission, digest: str, secret_key: str) -> SubmitResult | None:
    report = session.execute(select(Report).where(Report.public_id == submission.public_id)).scalar_one_or_none()
    if report is None:
        return None
    if hashes_match(report.content_hash, digest):
        return SubmitResult(report, created=False)
    raise ReportConflict(submission.public_id)


def submit_report(session: Session, store: AttachmentStore, submission: Submission, secret_key: str) -> SubmitResult:
    """Store the report and its photos in one transaction, or recognise it as already stored."""
    digest = content_hash(submission, secret_key)
    existing = _existing(session, submission, digest, secret_key)
    if existing:
        return existing

    content = submission.content
    report = Report(
        public_id=submission.public_id,
        receipt_hash=receipt_hash(submission.receipt, secret_key),
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
        if _receipt_taken(session, report.receipt_hash):
            raise ReceiptInUse(submission.receipt) from None
        # Any other constraint failure is ours, not the reporter's: a 5xx, which the phone retries.
        raise
    except BaseException:
        session.rollback()
        _discard(store, written)
        raise
    return SubmitResult(report, created=True)


def _receipt_taken(session: Session, hashed_receipt: str) -> bool:
    return session.execute(select(Report.id).where(Report.receipt_hash == hashed_receipt)).first() is not None


def _discard(store: AttachmentStore, names: list[str]) -> None:
    for name in names:
        store.delete(name)


def find_by_receipt(session: Session, receipt: str, secret_key: str) -> Report | None:
    wanted = receipt_hash(receipt, secret_key)
    report = session.execute(select(Report).where(Report.receipt_hash == wanted)).scalar_one_or_none()
    if report is None or not hashes_match(report.receipt_hash, wanted):
        return None
    return report


def add_reporter_message(session: Session, report: Report, body: str) -> None:
    from app.models.report import MessageAuthor, ReportMessage

    report.messages.append(ReportMessage(author=MessageAuthor.REPORTER, body=body, sent_at=minute_now()))
    session.commit()
