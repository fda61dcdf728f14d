"""Domain errors that services raise and the API maps onto HTTP statuses (see core.exceptions)."""


class ApplicationError(Exception):
    """``extra``: figures a client needs beside the message (e.g. the budget still remaining), answered as fields."""

    def __init__(self, message: str, *, code: str = "error", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class Conflict(ApplicationError):
    """The object is not in a state for this action, or changed since the caller read it (409)."""


class TooManyRequests(ApplicationError):
    """The person has asked for this too often or too much at once; they may ask again later (429)."""
