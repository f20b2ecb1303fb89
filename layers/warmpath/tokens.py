"""Signed links: HMAC-SHA256 with a key id, an expiry and a single-use id.

A token reads ``v1.<kid>.<payload>.<signature>``: the payload is base64url JSON, the signature an
HMAC-SHA256 over ``v1.<kid>.<payload>`` with the key named by ``kid``. Several keys may be live at once
so a key can be rotated without breaking links already sent: new links use ``current``; old ones verify
while their key is still listed. Single use is enforced by the repository (a conditional write of the
token's ``jti``), not here: verifying never changes state, so a GET can verify and a POST can spend.

Keys live in SSM Parameter Store (a SecureString holding
``{"current": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"}}``), read through Powertools Parameters
and cached for five minutes; the local stack generates one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warmpath.core.errors import TokenError, TokenExpired

VERSION = "v1"


@dataclass(frozen=True)
class SigningKeys:
    current: str
    keys: dict[str, bytes]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> SigningKeys:
        keys = {kid: base64.b64decode(value) for kid, value in document["keys"].items()}
        if document["current"] not in keys:
            raise ValueError("the signing-key document names a current key it does not hold")
        return cls(current=document["current"], keys=keys)

    @staticmethod
    def new_document(kid: str = "k1") -> dict[str, Any]:
        return {"current": kid, "keys": {kid: base64.b64encode(secrets.token_bytes(32)).decode()}}


@dataclass(frozen=True)
class Claims:
    """What a token says: for which purpose, tenant and person, about what, until when."""

    purpose: str
    tenant: str
    subject: str
    expires_at: int
    ref: dict[str, str] = field(default_factory=dict)
    jti: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    def to_json(self) -> dict[str, Any]:
        return {
            "p": self.purpose,
            "t": self.tenant,
            "s": self.subject,
            "e": self.expires_at,
            "r": self.ref,
            "j": self.jti,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Claims:
        return cls(
            purpose=str(data["p"]),
            tenant=str(data["t"]),
            subject=str(data["s"]),
            expires_at=int(data["e"]),
            ref={str(k): str(v) for k, v in dict(data.get("r") or {}).items()},
            jti=str(data["j"]),
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signed_part: str) -> str:
    return _b64(hmac.new(key, signed_part.encode(), hashlib.sha256).digest())


def expiry(now: datetime, ttl: timedelta) -> int:
    return int((now + ttl).timestamp())


def sign(claims: Claims, keys: SigningKeys) -> str:
    payload = _b64(json.dumps(claims.to_json(), separators=(",", ":")).encode())
    signed_part = f"{VERSION}.{keys.current}.{payload}"
    return f"{signed_part}.{_signature(keys.keys[keys.current], signed_part)}"


def verify(token: str, keys: SigningKeys, *, purpose: str, now: datetime) -> Claims:
    """Check signature, purpose and expiry; raise TokenError (or TokenExpired) with a reason people understand."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise TokenError("This link is incomplete or was changed. Please use the link exactly as it was sent.")
    _, kid, payload, signature = parts
    if not token.isascii():
        raise TokenError("This link is incomplete or was changed. Please use the link exactly as it was sent.")
    key = keys.keys.get(kid)
    if key is None:
        raise TokenError("This link was signed with a key that is no longer valid. Please ask for a new one.")
    if not hmac.compare_digest(_signature(key, f"{VERSION}.{kid}.{payload}"), signature):
        raise TokenError("This link is incomplete or was changed. Please use the link exactly as it was sent.")
    try:
        claims = Claims.from_json(json.loads(_unb64(payload)))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TokenError("This link is incomplete or was changed.") from None
    if claims.purpose != purpose:
        raise TokenError("This link is meant for something else.")
    if claims.expires_at <= now.timestamp():
        raise TokenExpired("This link has expired. Please ask for a new one.")
    return claims


def load_signing_keys(parameter_name: str) -> SigningKeys:
    """Read the key document from SSM through Powertools Parameters (cached for 5 minutes)."""
    from aws_lambda_powertools.utilities import parameters

    document = parameters.get_parameter(parameter_name, decrypt=True, transform="json", max_age=300)
    if not isinstance(document, dict):
        raise ValueError(f"SSM parameter {parameter_name} does not hold a signing-key document")
    return SigningKeys.from_document(document)
