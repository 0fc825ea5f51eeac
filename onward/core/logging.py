import logging

from onward.core import request_context


class RequestContextFilter(logging.Filter):
    """Adds the request id and client address to every log record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        if context is not None:
            record.request_id = context.request_id
            record.path = context.path
        return True
