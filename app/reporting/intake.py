"""Turning a validated report form (posted or sent as JSON) into a Submission for the service."""
from __future__ import annotations

import hashlib

from app.models.report import Channel, DangerNow
from app.reporting.forms import ReportForm
from app.services.photos import CleanPhoto, clean_photo
from app.services.receipts import normalise_receipt
from app.services.reports import ReportContent, Submission


def clean_photos(uploads: list[bytes]) -> list[tuple[str, CleanPhoto]]:
    """Each upload's hash with its cleaned copy; raises PhotoError for the first bad one."""
    return [(hashlib.sha256(raw).hexdigest(), clean_photo(raw)) for raw in uploads]


def submission_from_form(form: ReportForm, photos: list[tuple[str, CleanPhoto]], channel: Channel,
                         language: str) -> Submission:
    return Submission(
        public_id=form.report_id.data.lower(),
        receipt=normalise_receipt(form.receipt.data),
        channel=channel,
        photos=photos,
        possibly_automated=form.honeypot_filled(),
        content=ReportContent(
            kind=form.kind.data,
            description=form.description.data.strip(),
            danger_now=form.danger_now.data or DangerNow.UNSURE.value,
            involved=(form.involved.data or "").strip(),
            location=(form.location.data or "").strip(),
            occurred_at=form.occurred_at.data or "",
            still_happening=bool(form.still_happening.data),
            contact=(form.contact.data or "").strip(),
            place_code=form.place.data or None,
            language=language,
        ),
    )

