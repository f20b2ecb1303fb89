"""Signed links (warmpath.tokens): what verifies, what is refused, and with which error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from warmpath.core.errors import TokenError, TokenExpired
from warmpath.tokens import Claims, SigningKeys, expiry, sign, verify

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
KEY_1 = base64.b64encode(b"1" * 32).decode()
KEY_2 = base64.b64encode(b"2" * 32).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys(document: dict[str, object] | None = None) -> SigningKeys:
    return SigningKeys.from_document(document or {"current": "k1", "keys": {"k1": KEY_1}})


def claims(purpose: str = "ask", ttl: timedelta = timedelta(days=7)) -> Claims:
    return Claims(
        purpose=purpose,
        tenant="acme",
        subject="cara@acme.example",
        expires_at=expiry(NOW, ttl),
        ref={"request_id": "r1", "answer": "accept"},
    )


def test_a_signed_token_verifies_and_keeps_every_claim() -> None:
    """Given claims signed with the current key, when verified for the same purpose, then the claims come back."""
    original = claims()

    verified = verify(sign(original, keys()), keys(), purpose="ask", now=NOW)

    assert verified == original


def test_a_token_names_the_version_and_key_it_was_signed_with() -> None:
    token = sign(claims(), keys())

    assert token.split(".")[:2] == ["v1", "k1"]


def test_a_token_with_a_changed_payload_is_refused() -> None:
    """Given a valid token, when its payload is swapped for one granting another subject, then it is refused."""
    version, kid, _, signature = sign(claims(), keys()).split(".")
    forged = dict(claims().to_json(), s="mallory@evil.example")
    payload = b64url(json.dumps(forged).encode())

    with pytest.raises(TokenError):
        verify(f"{version}.{kid}.{payload}.{signature}", keys(), purpose="ask", now=NOW)


def test_a_token_with_a_changed_signature_is_refused() -> None:
    token = sign(claims(), keys())
    last = token[-1]
    tampered = token[:-1] + ("A" if last != "A" else "B")

    with pytest.raises(TokenError):
        verify(tampered, keys(), purpose="ask", now=NOW)


def test_a_token_signed_with_a_different_key_is_refused() -> None:
    """Given a token signed with another secret under the same kid, then the signature does not match."""
    other = SigningKeys.from_document({"current": "k1", "keys": {"k1": KEY_2}})

    with pytest.raises(TokenError):
        verify(sign(claims(), other), keys(), purpose="ask", now=NOW)


def test_a_token_for_another_purpose_is_refused() -> None:
    """Given a sign-in token, when it is presented as an ask link, then it is refused as meant for something else."""
    token = sign(claims(purpose="sign_in"), keys())

    with pytest.raises(TokenError, match="meant for something else"):
        verify(token, keys(), purpose="ask", now=NOW)


def test_an_expired_token_is_refused_with_410() -> None:
    token = sign(claims(ttl=timedelta(minutes=15)), keys())

    with pytest.raises(TokenExpired) as refused:
        verify(token, keys(), purpose="ask", now=NOW + timedelta(minutes=15))

    assert refused.value.status_code == 410


def test_a_token_verifies_until_the_second_before_it_expires() -> None:
    token = sign(claims(ttl=timedelta(minutes=15)), keys())

    verified = verify(token, keys(), purpose="ask", now=NOW + timedelta(minutes=15) - timedelta(seconds=1))

    assert verified.subject == "cara@acme.example"


def test_an_expired_token_is_still_a_token_error() -> None:
    """Handlers catch TokenError; an expired link must be caught by the same clause."""
    assert issubclass(TokenExpired, TokenError)


def test_a_token_signed_with_the_old_key_still_verifies_after_rotation() -> None:
    """Given a token signed with k1, when the key document lists k1 and k2 with k2 current, then it verifies."""
    old_token = sign(claims(), keys({"current": "k1", "keys": {"k1": KEY_1}}))
    rotated = keys({"current": "k2", "keys": {"k1": KEY_1, "k2": KEY_2}})

    verified = verify(old_token, rotated, purpose="ask", now=NOW)

    assert verified.subject == "cara@acme.example"


def test_new_tokens_use_the_new_current_key_after_rotation() -> None:
    rotated = keys({"current": "k2", "keys": {"k1": KEY_1, "k2": KEY_2}})

    token = sign(claims(), rotated)

    assert token.split(".")[1] == "k2"
    only_new_key = keys({"current": "k2", "keys": {"k2": KEY_2}})
    assert verify(token, only_new_key, purpose="ask", now=NOW).subject == "cara@acme.example"


def test_a_token_whose_key_was_retired_is_refused() -> None:
    """Given a token signed with k1, when only k2 is still listed, then it is refused as signed with an unknown key."""
    old_token = sign(claims(), keys())
    retired = keys({"current": "k2", "keys": {"k2": KEY_2}})

    with pytest.raises(TokenError, match="no longer valid"):
        verify(old_token, retired, purpose="ask", now=NOW)


def test_a_key_document_whose_current_key_is_missing_is_rejected() -> None:
    with pytest.raises(ValueError, match="current key"):
        SigningKeys.from_document({"current": "k3", "keys": {"k1": KEY_1, "k2": KEY_2}})


def test_a_new_key_document_can_sign_and_verify() -> None:
    """Given a freshly generated key document (as the local stack makes), then it loads and round-trips a token."""
    generated = SigningKeys.from_document(SigningKeys.new_document("k9"))

    assert generated.current == "k9"
    assert len(generated.keys["k9"]) == 32
    assert verify(sign(claims(), generated), generated, purpose="ask", now=NOW).tenant == "acme"


@pytest.mark.parametrize(
    "garbage",
    ["", "v1.a.b", "not a token", "v2.k1.e30.sig", "v1.k1..", "....", "v1.k1.e30.sig.extra", "v1.k1.%%%.sig"],
)
def test_garbage_is_refused_with_a_token_error(garbage: str) -> None:
    with pytest.raises(TokenError):
        verify(garbage, keys(), purpose="ask", now=NOW)


def test_a_correctly_signed_payload_that_is_not_claims_is_refused_with_a_token_error() -> None:
    """Given a payload signed with the right key but holding JSON that is not claims, then TokenError, not KeyError."""
    payload = b64url(b'["not", "claims"]')
    signed_part = f"v1.k1.{payload}"
    signature = b64url(hmac.new(b"1" * 32, signed_part.encode(), hashlib.sha256).digest())
    token = f"{signed_part}.{signature}"

    with pytest.raises(TokenError):
        verify(token, keys(), purpose="ask", now=NOW)


@pytest.mark.parametrize("garbage", ["v1.k1.e30.sïgnature", "v1.k1.e30.€"])
def test_garbage_with_non_ascii_signature_is_refused_with_a_token_error(garbage: str) -> None:
    with pytest.raises(TokenError):
        verify(garbage, keys(), purpose="ask", now=NOW)
