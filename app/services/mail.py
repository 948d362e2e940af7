"""Sending email through the SMTP server named in the settings (MAIL_*)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_email(to: str | list[str], subject: str, body: str) -> None:
    """Send a plain-text email. Raises OSError/smtplib.SMTPException when the server refuses."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join([to] if isinstance(to, str) else to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
