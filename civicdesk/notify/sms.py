"""SMS backends, chosen by CIVICDESK_SMS_BACKEND (a dotted path), as Django chooses its e-mail backend.

- `civicdesk.notify.sms.ConsoleBackend` (default): writes the message to the log with the phone masked.
- `civicdesk.notify.sms.HttpGatewayBackend`: POSTs `{"to": phone, "text": text}` as JSON to
  CIVICDESK_SMS_URL with `Authorization: Bearer CIVICDESK_SMS_TOKEN`; any 2xx answer is success. Most
  carriers' and cloud SMS gateways take this shape, or a small adapter in front of them does.
- `civicdesk.notify.sms.MemoryBackend`: keeps messages in `MemoryBackend.outbox` (tests, demos).

A backend raises SmsError when the message was not accepted; delivery retries it later."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from civicdesk.cases.privacy import mask_phone

log = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class ConsoleBackend:
    def send(self, phone, text):
        log.info("SMS to %s: %s", mask_phone(phone), text)


class MemoryBackend:
    outbox = []

    def send(self, phone, text):
        MemoryBackend.outbox.append((phone, text))


class HttpGatewayBackend:
    def send(self, phone, text):
        url = settings.CIVICDESK_SMS_URL
        if not url:
            raise SmsError("CIVICDESK_SMS_URL is not set")
        request = urllib.request.Request(
            url,
            data=json.dumps({"to": phone, "text": text}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.CIVICDESK_SMS_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CIVICDESK_SMS_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            # The gateway's own words may repeat the number: say only the status.
            raise SmsError(f"gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc.__class__.__name__}") from None


def backend():
    return import_string(settings.CIVICDESK_SMS_BACKEND)()
