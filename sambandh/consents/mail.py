"""The double opt-in email: a request to confirm, with a signed link that expires
(CONSENT_CONFIRM_DAYS), in the person's preferred language (else the site's default)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from sambandh.consents import links
from sambandh.consents.models import Channel, Purpose
from sambandh.consents.selectors import pending_to_confirm, unsubscribe_headers

logger = logging.getLogger(__name__)


def _language(preferred: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    tag = (preferred or "").lower()
    for candidate in (tag, tag.split("-")[0]):
        if candidate in codes:
            return candidate
    return str(settings.LANGUAGE_CODE)


def deliver_confirmation(consent_id: int) -> str:
    """Send the request; answers what happened ("sent", "answered": the row is no longer
    pending, "no address", "failed": the mail server refused, logged)."""
    row = pending_to_confirm(consent_id)
    if row is None:
        return "answered"
    address = row.person.email
    if not address:
        return "no address"
    context = {
        "link": links.confirm_url(row.pk),
        "days": links.confirm_max_age() // 86400,
    }
    with translation.override(_language(row.person.preferred_language)):
        context["purpose"] = str(Purpose(row.purpose).label)
        context["channel"] = str(Channel(row.channel).label)
        subject = " ".join(render_to_string("consents/confirm_subject.txt", context).split())
        body = render_to_string("consents/confirm_email.txt", context)
    try:
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            # one click says no: a withdrawal of what was asked, which answers the request
            headers=unsubscribe_headers(row.person_id, row.purpose, row.channel),
        ).send()
    except Exception:  # noqa: BLE001 - the server's refusal is logged; the user may ask again
        logger.exception("Could not send the consent confirmation %s", consent_id)
        return "failed"
    return "sent"
