import logging

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
