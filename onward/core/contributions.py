"""What each capability app adds to the shared pages and commands, registered in its
``AppConfig.ready()`` so that ``core`` and ``accounts`` never import a capability app (ADR 26).

- **Home page tasks** (:func:`register_home_tasks`): a function of (user, day) giving what waits for
  that user in the app, each a :class:`HomeTask`, shown on the home page in ``order``.
- **The home page summary** (:func:`register_home_summary`): the caseload figures at the top.
- **Sections of a record page** (:func:`register_page_section`): a function of (user, record, day)
  giving a template and its context (or None), shown on a page owned by another app (the young
  person's page shows each app's part: referrals, opportunities...), in ``order``.
- **Demo data** (:func:`register_demo_loader`): a function of the demo council, run by ``load_demo``
  in ``order`` inside its transaction, returning any sign-ins to print (role, sign-in);
  :func:`lazy_demo_loader` names one by its dotted path, imported only when the demo is loaded.

Indicators have their own registry, :mod:`onward.core.indicators`; help with a page,
:mod:`onward.core.help`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from onward.accounts.models import Organisation, User


@dataclass(frozen=True)
class HomeTask:
    """One line of the home page's task list: what waits, where to act on it, how many, how urgent."""

    text: str
    url: str
    count: int
    urgent: bool = False


TaskSource = Callable[["User", datetime.date], list[HomeTask]]
SummarySource = Callable[["User", datetime.date], "dict[str, Any] | None"]
DemoLoader = Callable[["Organisation"], "list[tuple[str, str]] | None"]


@dataclass(frozen=True)
class PageSection:
    """A part of a record page that an app contributes: its template and what the template reads."""

    template: str
    context: dict[str, Any]


SectionSource = Callable[["User", Any, datetime.date], "PageSection | None"]

_TASKS: dict[str, tuple[int, TaskSource]] = {}
_SUMMARIES: dict[str, tuple[int, SummarySource]] = {}
_DEMO: dict[str, tuple[int, DemoLoader]] = {}
_SECTIONS: dict[str, dict[str, tuple[int, SectionSource]]] = {}


def register_home_tasks(name: str, source: TaskSource, *, order: int) -> None:
    """Add (or replace, by ``name``) an app's home page tasks."""
    _TASKS[name] = (order, source)


def register_home_summary(name: str, source: SummarySource, *, order: int) -> None:
    """Add (or replace, by ``name``) a summary for the top of the home page; the first that answers is shown."""
    _SUMMARIES[name] = (order, source)


def register_demo_loader(name: str, loader: DemoLoader, *, order: int) -> None:
    """Add (or replace, by ``name``) an app's demo data loader."""
    _DEMO[name] = (order, loader)


def lazy_demo_loader(path: str) -> DemoLoader:
    """The demo loader at the dotted ``path``, imported only when the demo is loaded: a demo module (Faker,
    the charts, the sign-in provider...) then costs nothing to a process that never loads the demo."""

    def load(council: Organisation) -> list[tuple[str, str]] | None:
        loader: DemoLoader = import_string(path)
        return loader(council)

    load.__qualname__ = load.__name__ = path.rsplit(".", 1)[-1]
    return load


def register_page_section(page: str, name: str, source: SectionSource, *, order: int) -> None:
    """Add (or replace, by ``name``) a section of the record page named ``page`` (its URL name)."""
    _SECTIONS.setdefault(page, {})[name] = (order, source)


def page_sections(page: str, user: User, record: Any, day: datetime.date) -> list[PageSection]:
    """The sections the apps contribute to ``page`` for ``user`` looking at ``record``, in order."""
    sections = []
    for _, source in sorted(_SECTIONS.get(page, {}).values(), key=lambda entry: entry[0]):
        section = source(user, record, day)
        if section is not None:
            sections.append(section)
    return sections


def home_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Every app's tasks for ``user``, in the apps' order."""
    tasks: list[HomeTask] = []
    for _, source in sorted(_TASKS.values(), key=lambda entry: entry[0]):
        tasks.extend(source(user, day))
    return tasks


def home_summary(user: User, day: datetime.date) -> dict[str, Any] | None:
    """The first registered summary that has something for ``user``."""
    for _, source in sorted(_SUMMARIES.values(), key=lambda entry: entry[0]):
        summary = source(user, day)
        if summary is not None:
            return summary
    return None


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    """The registered demo loaders, by name, in order."""
    return [(name, loader) for name, (_, loader) in sorted(_DEMO.items(), key=lambda entry: entry[1][0])]
