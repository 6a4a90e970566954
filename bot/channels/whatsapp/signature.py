"""Meta signs every webhook call: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body,
keyed with the app secret>`. A call without a valid signature is not Meta's."""

import hashlib
import hmac

PREFIX = "sha256="


def signature_is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    if not app_secret or not header or not header.startswith(PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.removeprefix(PREFIX).strip().lower()
    return hmac.compare_digest(given.encode("ascii", "replace"), expected.encode())
