import logging
import traceback

from onward.core import request_context


class RequestContextFilter(logging.Filter):
    """Adds the request id and path to every log record written while serving a request.

    Django logs a response's status after the middleware has finished, so records that carry
    the request itself (``django.request``) take the id from it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        if context is None:
            request = getattr(record, "request", None)
            context = getattr(request, "onward_context", None)
        if context is not None:
            record.request_id = context.request_id
            record.path = context.path
        if hasattr(record, "request"):
            record.request = str(record.request)
        return True


def error_class(error: BaseException) -> str:
    """The error's class by its full name, for example ``django.db.utils.DataError``."""
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"


def error_outline(error: BaseException) -> str:
    """Where an error happened and what class it and its causes are, without any of their messages.

    A message can quote data (PostgreSQL quotes the statement, and with it the values being
    saved), so an error about uploaded or personal data is logged by this outline instead of its
    traceback: each frame's file, line and function, then the class, for the error and its causes.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for link in reversed(chain):
        frames = traceback.extract_tb(link.__traceback__)
        parts.append(" < ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames)))
        parts.append(error_class(link))
    return "\n".join(part for part in parts if part)


def describe_files(files: list[tuple[str, int]]) -> str:
    """Uploaded files by name and size only: "header.csv (1,204 bytes), oc3.csv (96 bytes)"."""
    return ", ".join(f"{name} ({size:,} bytes)" for name, size in files) or "no files"
