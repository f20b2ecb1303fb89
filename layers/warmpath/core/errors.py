"""Domain errors. Each carries a message a person can act on; handlers map them to HTTP in one place."""


class WarmpathError(Exception):
    """Base for errors the user can do something about."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WarmpathError):
    status_code = 404


class Forbidden(WarmpathError):
    status_code = 403


class Conflict(WarmpathError):
    status_code = 409


class InvalidInput(WarmpathError):
    status_code = 400


class Unprocessable(WarmpathError):
    """Well-formed, but it contradicts what was sent before (an Idempotency-Key reused with another body)."""

    status_code = 422


class TokenError(WarmpathError):
    """A signed link that cannot be honoured: tampered, expired, or for another purpose."""

    status_code = 400


class TokenExpired(TokenError):
    status_code = 410


class Unavailable(WarmpathError):
    """A dependency failed; nothing was saved and trying again is safe."""

    status_code = 503
