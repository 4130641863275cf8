"""Domain errors (业务错误) raised by commands and queries.

Each carries the HTTP status the web layer answers with (:mod:`spotcheck.platform.errors`
does the mapping); messages are in the user's language (lazy translations).
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors commands raise; the web layer turns them into 4xx answers."""

    status = 400
    #: The visit a step over many refused at, where the step names it (an import reports it at its row).
    visit_id: int | None = None


class InvalidInputError(ServiceError):
    """Bad input: ``errors`` maps each field to its messages, in the user's language."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items()))
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}

    def messages(self) -> str:
        """Every message, as one line (for a flash message or a job's error)."""
        return " ".join(m for messages in self.errors.values() for m in messages)


class NotFoundError(ServiceError):
    """No such object in the current tenant (another tenant's object is also "not found")."""

    status = 404


class ForbiddenError(ServiceError):
    """The acting user may not do this (权限不足)."""

    status = 403


class ConflictError(ServiceError):
    """Not possible in the object's present state (状态不允许)."""

    status = 409


class GoneError(ServiceError):
    """It was there and is no longer kept (已删除): an export's file past its time."""

    status = 410


def user_message(error: ServiceError) -> str:
    """What a person reads of a refusal: the field messages of a validation failure, else the message."""
    if isinstance(error, InvalidInputError):
        return error.messages()
    return str(error)
