class ApplicationError(Exception):
    """A domain rule refused an operation: a human message and a machine code.

    Each app subclasses it once (``LedgerError``, ``VoteError``…); the API's exception
    handler and the HTML views turn it into a clear message without changing anything.
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status_code: int | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    """The request is valid but the state of the data forbids it (HTTP 409)."""

    status_code = 409
