"""The young person's data protection rights, asked for in their own service and answered by the app that
keeps data protection records (``onward.privacy``, issue 22).

The portal sits below that app in the layers (``[tool.importlinter]``), so it cannot call it: the app
registers its :class:`DataRights` here in its ``AppConfig.ready()``, and the portal calls whatever is
registered. With nothing registered the portal offers neither a copy of records nor the status of requests;
"this is wrong" is still kept as a task for the adviser.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onward.people.models import YoungPerson
    from onward.portal.models import Statement


@dataclass(frozen=True)
class DataRequest:
    """One request as the young person sees it: what, when asked, when due, where it is, and the answer."""

    what: str
    made_on: datetime.date
    due_on: datetime.date
    status: str
    outcome: str = ""


@dataclass(frozen=True)
class DataRights:
    """What the data protection app does for the portal.

    - ``record_wrong(statement)``: the young person said their record is wrong: log a request to correct it,
      in the same transaction, for staff to correct or decline.
    - ``copy_asked(person)``: the young person asked for a copy of their records (a subject access request,
      made through the portal); raises ``ValidationError`` if one is open already.
    - ``requests_of(person)``: their requests, newest first, for their page.
    - ``correction_page(statement)``: the staff page of the request to correct the record that "this is
      wrong" opened, if any: staff answer it there, so the correction and the young person's answer are
      one decision, never two queues.
    """

    record_wrong: Callable[[Statement], None]
    copy_asked: Callable[[YoungPerson], DataRequest]
    requests_of: Callable[[YoungPerson], list[DataRequest]]
    correction_page: Callable[[Statement], str | None]


_registered: list[DataRights] = []


def register(rights: DataRights) -> None:
    """Register (or replace) the data protection app's handlers."""
    _registered[:] = [rights]


def registered() -> DataRights | None:
    return _registered[0] if _registered else None
