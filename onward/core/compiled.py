"""Queries compiled to SQL once a process, and run many times with each call's own values.

Django builds a query and compiles it to SQL each time it runs. For a query of many annotations (a
caseload's row: a category worked out by fifteen cases, five subqueries) that takes longer in Python
than PostgreSQL takes to run it. :func:`compile_query` builds such a query for three made-up sets of
values (probes): the SQL of the first two must be the same text, and each value that differs between
them is matched to the call's value it comes from (a date, say, or one worked out from it by
``derive``: the date of birth of someone 18 on it). The third probe checks the result: bound to its
values, the SQL and values must be exactly what Django compiles for it. ``build`` must depend on its
values alone; a date that is the same for every probe (today's, read while building) is refused.
Anything else (a value that does not match, a text that changes with the values) gives ``None``,
and the caller builds the query each time as before.

A query may also take, where :func:`scope_marker` stands, the records a user may see (a queryset of
the access module, built for each call): :meth:`Compiled.bind` puts that queryset's condition there
(:func:`condition_of`: its own ``WHERE``, or ``<table>.<key> IN (<its SQL>)``). Who may see what is
so never compiled once: it is asked of the access policy on every call, and only the query around
it is kept (ADR 40).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, Count, IntegerField, Model, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

# Where the records of the scope go, in the compiled text.
_MARKER = "onward_compiled_scope_marker"
_PLACEHOLDER = re.compile(r"%%|%s")


def scope_marker(model: type[Model]) -> QuerySet[Any]:
    """All of ``model``, as far as the query is compiled: a call's :meth:`Compiled.bind` narrows it to
    the queryset it is given."""
    marker = RawSQL(_MARKER, (), output_field=BooleanField())  # noqa: S611 - a fixed word, replaced in bind
    return model._default_manager.filter(marker)


Condition = tuple[str, Sequence[Any]]
"""SQL that narrows a query to a scope's records, and its values (:func:`condition_of`)."""


@dataclass(frozen=True)
class _Slot:
    """A call's value: ``name`` in the derived values, turned into the database's form by ``adapt``."""

    name: str
    adapt: Callable[[Any], Any]


@dataclass(frozen=True)
class Compiled:
    """A query's SQL, and for each of its values the fixed value or the call's (a ``_Slot``)."""

    sql: str
    values: tuple[Any, ...]
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    compiler: Any
    """The first probe's compiler, whose converters turn the rows into Python values (dates on SQLite)."""
    model: type[Model] | None = None
    """The model whose records a scope narrows to (the query was built on :func:`scope_marker`)."""

    def bind(
        self, values: Mapping[str, Any], scope: QuerySet[Any] | None = None, *, condition: Condition | None = None
    ) -> tuple[str, list[Any]]:
        """The SQL and its values for a call with ``values`` (and ``scope``, if built on a marker;
        ``condition``: the scope's, if worked out already by :func:`condition_of`)."""
        params = self.params(values)
        if self.model is None:
            return self.sql, params
        if scope is None or scope.model is not self.model:
            raise ValueError(f"This query takes a queryset of {self.model.__name__} as its scope")
        before, after = self.sql.split(_MARKER)
        where, where_params = condition or condition_of(scope)
        at = _placeholders(before)
        return before + where + after, [*params[:at], *where_params, *params[at:]]

    def params(self, values: Mapping[str, Any]) -> list[Any]:
        """The query's values for a call with ``values`` (the scope's apart)."""
        derived = self.derive(values)
        return [v.adapt(derived[v.name]) if isinstance(v, _Slot) else v for v in self.values]

    @functools.cached_property
    def _converters(self) -> dict[int, Any]:
        """The compiler's converters of the columns (as its ``results_iter`` finds them for every call)."""
        compiler = self.compiler
        return compiler.get_converters([column[0] for column in compiler.select[0 : compiler.col_count]])  # type: ignore[no-any-return]

    def rows(self, fetched: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """``fetched`` (rows as the cursor gave them) with each column as Django would give it."""
        if not self._converters:
            return [tuple(row) for row in fetched]
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self._converters)]

    @functools.cached_property
    def _making(self) -> tuple[int, int, list[str], list[Any], list[tuple[str, int]]]:
        """How :meth:`instances` makes a row's instance: where its columns start and end, their names,
        the related instances' populators, and where each annotation is."""
        compiler = self.compiler
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        related = get_related_populators(klass_info, select, connection.alias)
        return start, end, names, related, list(compiler.annotation_col_map.items())

    def instances(
        self,
        values: Mapping[str, Any],
        scope: QuerySet[Any] | None = None,
        *,
        suffix: str = "",
        extra: Sequence[Any] = (),
        condition: Condition | None = None,
    ) -> list[Any]:
        """Run a query of model instances (``select_related`` and annotations too) for ``values``, and
        the instances, made as Django's own iterable makes them from the compiled query's columns."""
        start, end, names, related, annotations = self._making
        model, alias = self.compiler.klass_info["model"], connection.alias
        made = []
        for row in self.fetch(values, scope, suffix=suffix, extra=extra, condition=condition):
            instance = model.from_db(alias, names, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            for name, at in annotations:
                setattr(instance, name, row[at])
            made.append(instance)
        return made

    def fetch(
        self,
        values: Mapping[str, Any],
        scope: QuerySet[Any] | None = None,
        *,
        suffix: str = "",
        extra: Sequence[Any] = (),
        condition: Condition | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> list[tuple[Any, ...]]:
        """Run the query for ``values`` (``suffix``, with its own ``extra`` values, after the SQL: a
        ``LIMIT``), and its rows as Django would give them, on the database ``using`` (of the same kind
        as the one it was compiled for: a reporting replica)."""
        sql, params = self.bind(values, scope, condition=condition)
        with connections[using].cursor() as cursor:
            cursor.execute(sql + suffix, [*params, *extra])
            return self.rows(cursor.fetchall())


def condition_of(scope: QuerySet[Any]) -> Condition:
    """The condition that narrows the query to ``scope``'s records.

    The scope's own ``WHERE`` when it reads the one table under the table's own name (the compiled
    query reads it so too): PostgreSQL then plans the whole as one query, by the scope's indexes.
    Otherwise (a join, a limit, a distinct, an annotation its condition may name) the key ``IN`` the
    scope's query, which is planned apart."""
    query = scope.order_by().query
    compiler = query.get_compiler(connection=connection)
    quote = connection.ops.quote_name
    meta = scope.model._meta
    plain = not (query.low_mark or query.high_mark is not None or query.distinct or query.combinator)
    if plain and not query.annotations and query.group_by is None:
        try:
            sql, params = compiler.compile(query.where)
        except FullResultSet:
            sql, params = "1 = 1", []
        except EmptyResultSet:  # a condition nothing meets (``pk__in=[]``): no record
            return "1 = 0", []
        used = {alias for alias, count in query.alias_refcount.items() if count}
        if used <= {meta.db_table} and query.get_initial_alias() == meta.db_table:
            return f"({sql})", params
    try:
        inner, params = scope.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return "1 = 0", []
    return f"{quote(meta.db_table)}.{quote(meta.pk.column)} IN ({inner})", params


def _placeholders(sql: str) -> int:
    return sum(1 for found in _PLACEHOLDER.findall(sql) if found == "%s")


PERSON_PROBES: tuple[dict[str, int], ...] = tuple({"person": -n} for n in (1, 2, 3))
"""Three made-up young people (no real one's id), for a query about one young person's records."""

COUNCIL_PROBES: tuple[dict[str, int], ...] = tuple({"council": -n} for n in (1, 2, 3))
"""Three made-up councils (no real one's id), for a query about one council's records."""


def compile_query(
    build: Callable[..., QuerySet[Any]],
    probes: Sequence[Mapping[str, Any]],
    *,
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] = dict,
    model: type[Model] | None = None,
) -> Compiled | None:
    """``build(**values)`` compiled once, from three ``probes`` (made-up values, each different from the
    others in every value), or ``None`` if its SQL cannot be bound to other values (see the module).

    ``derive(values)`` gives every value the SQL may hold, by name: the values themselves and any worked
    out from them. ``model``: ``build`` takes ``scope=scope_marker(model)`` too."""
    if len(probes) != 3:
        raise ValueError("Three sets of made-up values are needed: two to compare and one to check")
    marker = {} if model is None else {"scope": scope_marker(model)}
    compiled = [build(**probe, **marker).query.get_compiler(connection=connection) for probe in probes]
    texts = [compiler.as_sql() for compiler in compiled]
    (sql, first), (again, second), (check, third) = texts
    if sql != again or sql != check or len(first) != len(second) or (model is not None and sql.count(_MARKER) != 1):
        return None
    if _placeholders(sql) != len(first):
        return None
    one, two = (derive(probe) for probe in probes[:2])
    values: list[Any] = []
    for a, b in zip(first, second, strict=True):
        if a == b:
            if _looks_like_a_date(a):
                return None  # fixed in every probe, yet a date: read from the clock while building?
            values.append(a)
            continue
        slot = _slot(one, two, a, b)
        if slot is None:
            return None
        values.append(slot)
    result = Compiled(sql=str(sql), values=tuple(values), derive=derive, compiler=compiled[0], model=model)
    if result.params(probes[2]) != list(third):
        return None
    return result


def _slot(one: Mapping[str, Any], two: Mapping[str, Any], a: Any, b: Any) -> _Slot | None:
    """The one derived value that is ``a`` for the first probe and ``b`` for the second (in the
    database's form: a date on SQLite is text), or ``None`` if none or several are."""
    found: dict[str, _Slot] = {}
    for name in sorted(one.keys() & two.keys()):
        for adapt in _adapters(one[name]):
            if name not in found and adapt(one[name]) == a and adapt(two[name]) == b:
                found[name] = _Slot(name, adapt)
    return next(iter(found.values())) if len(found) == 1 else None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _looks_like_a_date(value: Any) -> bool:
    """A date or time, or text the database was given for one: the probes never give a query's date
    the same value, so one that stays the same came from somewhere else (today's date, say)."""
    return isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.match(value) is not None)


def _adapters(value: Any) -> list[Callable[[Any], Any]]:
    """The forms a value may take among a query's values: itself, or as the database takes a date or
    a time (text, on SQLite)."""
    if isinstance(value, datetime.datetime):
        return [_same, connection.ops.adapt_datetimefield_value]
    if isinstance(value, datetime.date):
        return [_same, connection.ops.adapt_datefield_value]
    return [_same]


def _same(value: Any) -> Any:
    return value


class OncePerProcess:
    """A query (``build(**values)``, as :func:`compile_query`) compiled once a process for each kind of
    database it is run on, or built for every call where it cannot be compiled (or its scope can hold
    no record): the "compiled, or else built" of a page's reads in one place.

    :meth:`rows` gives the query's columns in the order of its ``SELECT`` (a ``values()`` query's
    fields, then its annotations), whichever way the query was run. With ``model``, ``build`` takes a
    ``scope`` too (:func:`scope_marker`), and :meth:`instances` the access policy's queryset for it."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        probes: Sequence[Mapping[str, Any]],
        *,
        derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] = dict,
        model: type[Model] | None = None,
    ) -> None:
        self.build, self.probes, self.derive, self.model = build, probes, derive, model
        self._compiled: dict[str, Compiled | None] = {}

    def compiled(self) -> Compiled | None:
        """The query compiled for the database in use (``None``: it cannot be)."""
        vendor = connection.vendor
        if vendor not in self._compiled:  # two threads may both compile it: the same result
            self._compiled[vendor] = compile_query(self.build, self.probes, derive=self.derive, model=self.model)
        return self._compiled[vendor]

    def rows(self, values: Mapping[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        """The query's rows for ``values``, read from the database ``using``."""
        compiled = self.compiled()
        if compiled is not None:
            return compiled.fetch(values, using=using)
        compiler = self.build(**values).query.get_compiler(using=using)
        return [tuple(row) for row in compiler.results_iter(tuple_expected=True)]

    def instances(self, values: Mapping[str, Any], scope: QuerySet[Any] | None = None) -> list[Any]:
        """The query's model instances for ``values`` (and ``scope``, if built with a ``model``), as
        iterating the queryset gives them."""
        compiled = self.compiled()
        if compiled is None or (scope is not None and scope.query.is_empty()):
            return list(self.build(**values) if self.model is None else self.build(**values, scope=scope))
        return compiled.instances(values, scope)


@dataclass
class CompiledList:
    """The records of a list compiled once (:func:`compile_list`) for a call's values and scope, read as
    Django's ``Paginator`` reads a queryset: how many, then a slice."""

    listing: Compiled
    counting: Compiled
    values: Mapping[str, Any]
    scope: QuerySet[Any] | None = None
    ordered = True  # the listing's own order (``Paginator`` warns of a list without one)

    @functools.cached_property
    def condition(self) -> Condition | None:
        """The scope's condition, worked out once for the count and the page."""
        return None if self.scope is None else condition_of(self.scope)

    def count(self) -> int:
        return sum(int(n) for (n,) in self.counting.fetch(self.values, self.scope, condition=self.condition))

    def __getitem__(self, part: slice) -> list[Any]:
        start = part.start or 0
        if part.step is not None or part.stop is None or start < 0 or part.stop < start:
            raise ValueError("A compiled list is read a page at a time")
        return self.listing.instances(
            self.values,
            self.scope,
            suffix=" LIMIT %s OFFSET %s",
            extra=(part.stop - start, start),
            condition=self.condition,
        )


def compile_list(
    build: Callable[..., QuerySet[Any]],
    probes: Sequence[Mapping[str, Any]],
    *,
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] = dict,
    model: type[Model] | None = None,
) -> tuple[Compiled, Compiled] | None:
    """A list of records (``build``, as :func:`compile_query`) and the count of it, each compiled once,
    or ``None`` if either cannot be: bound into a :class:`CompiledList` for each call."""

    def counted(**values: Any) -> QuerySet[Any]:
        records = build(**values)
        if records.query.distinct or records.query.is_sliced:
            raise _NotCountable
        one = Value(1, output_field=IntegerField())
        grouped: QuerySet[Any] = records.order_by().annotate(onward_all=one).values("onward_all")
        counts: QuerySet[Any] = grouped.annotate(onward_n=Count("pk")).values_list("onward_n")
        return counts

    try:
        listing = compile_query(build, probes, derive=derive, model=model)
        counting = compile_query(counted, probes, derive=derive, model=model)
    except _NotCountable:
        return None
    return None if listing is None or counting is None else (listing, counting)


class _NotCountable(Exception):
    """A list that a count of its rows would count differently (distinct, sliced)."""
