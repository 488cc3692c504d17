"""The base of every room's domain error; edges translate it into a form error or a 4xx."""


class ApplicationError(Exception):
    """A refusal the user can understand and fix."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ApplicationError):
    """The actor lacks the permission for this action."""

    status_code = 403


class Conflict(ApplicationError):
    """The object changed or is in a state that refuses the action."""

    status_code = 409
