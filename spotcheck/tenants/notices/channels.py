"""Delivery channels (送达渠道): the inbox (站内消息), e-mail over SMTP, and SMS through a pluggable
adapter (短信网关). A channel either sends or raises :class:`SendError`; retrying is the
delivery's business (:mod:`spotcheck.tenants.notices.delivery`).
"""

from __future__ import annotations

import importlib
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from spotcheck.core import settings
from spotcheck.core.personal_data import mask_contact

log = logging.getLogger(__name__)


class SendError(Exception):
    """The channel could not send (the message is tried again later)."""


def email_enabled() -> bool:
    return bool(settings.get("SPOTCHECK_SMTP_HOST"))


def send_email(address: str, subject: str, body: str, *, key: str) -> None:
    """One e-mail; its Message-ID is made from the delivery's key, so that a receiving server can
    recognise a copy sent again after a crash between sending and recording."""
    message = EmailMessage()
    message["From"] = settings.get("SPOTCHECK_SMTP_FROM")
    message["To"] = address
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(idstring=key.replace(":", ".")[:60], domain="spotcheck")
    message.set_content(body)
    try:
        with smtplib.SMTP(
            settings.get("SPOTCHECK_SMTP_HOST"), int(settings.get("SPOTCHECK_SMTP_PORT")), timeout=15
        ) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as failed:
        raise SendError(f"SMTP: {type(failed).__name__}: {failed}"[:400]) from failed


class SmsAdapter(Protocol):
    """An SMS gateway's adapter (``SPOTCHECK_SMS_ADAPTER``): sends, or raises :class:`SendError`."""

    def send(self, mobile: str, text: str) -> None: ...


class LoggingSms:
    """The SMS adapter used until a gateway is plugged in: it writes the message to the log, with
    the number masked. A gateway adapter has the same ``send(mobile, text)`` and raises
    :class:`SendError` when the gateway refuses."""

    def send(self, mobile: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_contact(mobile), text)


def sms_adapter() -> SmsAdapter:
    module, _, name = str(settings.get("SPOTCHECK_SMS_ADAPTER")).partition(":")
    return getattr(importlib.import_module(module), name)()


def send_sms(mobile: str, text: str) -> None:
    try:
        sms_adapter().send(mobile, text)
    except SendError:
        raise
    except Exception as failed:  # a gateway's own error
        raise SendError(f"SMS: {type(failed).__name__}: {failed}"[:400]) from failed
