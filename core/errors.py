"""Domain errors that services raise and the API maps onto HTTP statuses (see core.exceptions)."""


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "error"):
        super().__init__(message)
        self.message = message
        self.code = code


class Conflict(ApplicationError):
    """The object is not in a state for this action, or changed since the caller read it (409)."""


class TooManyRequests(ApplicationError):
    """The person has asked for this too often or too much at once; they may ask again later (429)."""
