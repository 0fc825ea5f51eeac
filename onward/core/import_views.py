"""The buttons every import run's page offers once its check has failed or got stuck (ADR 31): try
again from the start, or discard. One pair of view helpers for every kind of import, so that each
says the same things and refuses the same way: a run that is being saved, or is in no state for the
step asked, is refused with the flow's own message and left as it was."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from onward.core import imports


def retry(request: HttpRequest, run: Any, *, page: str, again: str) -> HttpResponse:
    """Check ``run`` again from the start and go back to its page (the url name ``page``), saying
    ``again`` (e.g. "The list is being checked again")."""
    try:
        imports.retry(acting_user=request.user, run=run)
    except imports.ImportNotReady as error:
        messages.error(request, str(error))
    else:
        messages.success(request, again)
    return redirect(page, pk=run.pk)


def discard(
    request: HttpRequest,
    run: Any,
    *,
    page: str,
    done: str,
    discarded: str = "Import discarded: nothing was saved",
    extra: tuple[str, ...] = (),
) -> HttpResponse:
    """Discard ``run`` (``extra``: further statuses of its kind that may be discarded) and go to ``done``
    (a url name without arguments, or an address); refused, back to the run's page ``page``."""
    try:
        imports.discard(acting_user=request.user, run=run, extra=extra)
    except imports.ImportNotReady as error:
        messages.error(request, str(error))
        return redirect(page, pk=run.pk)
    messages.success(request, discarded)
    return redirect(done)
