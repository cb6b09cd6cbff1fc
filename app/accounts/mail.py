"""Optional e-mail of set-password links, when an SMTP server is configured.

Without SMTP_HOST nothing is sent: the link is shown to whoever issued it, to pass on.
SMTP_HOST, SMTP_PORT (587), SMTP_USER, SMTP_PASSWORD, SMTP_FROM; STARTTLS unless
SMTP_STARTTLS=0.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from app.models import User


def send_link_if_configured(user: User, url: str) -> bool:
    """Mail the link to the user when SMTP is set up and they have an address; True if sent."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not user.email:
        return False
    message = EmailMessage()
    message["Subject"] = "Choose your Credence password"
    message["From"] = config.get("SMTP_FROM") or f"credence@{config['SMTP_HOST']}"
    message["To"] = user.email
    message.set_content(
        f"Hello {user.label},\n\nan account named {user.username!r} is waiting for you. "
        f"Choose your password here (the link works once):\n\n{url}\n")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT", 587)),
                          timeout=10) as smtp:
            if config.get("SMTP_STARTTLS", True):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("could not mail the set-password link to %s", user.username)
        return False
    return True
