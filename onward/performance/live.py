"""The live snapshot: the per-person facts as at a date, counted in one SQL statement.

The statement is in layers: ``p`` is the young people aged 16 to 25 on the date, ``r`` adds each
one's raw status on it (each history read once for everyone and joined on the young person: ADR 13),
``f`` turns it into the facts the indicator conditions use (``indicators.FACTS``), and the outer query
counts every numerator and denominator at once with ``COUNT(*) FILTER (WHERE ...)`` (grouped by
council or by a breakdown). The SQL is portable between SQLite (3.35 or newer) and PostgreSQL.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import psycopg
from django.db import connection, connections
from django.db.models import QuerySet

from config.routers import reporting_alias
from onward.core import codelists
from onward.core.codelists import ADOPTED, EET_ACTIVITIES, NEET_ACTIVITIES, SHORT_BREAK_STATUSES, EETActivity
from onward.people.models import PEP, AccommodationSpell, CareEpisode, Contact, EETSpell, PathwayPlanReview, YoungPerson
from onward.people.selectors import PEP_TERM_DAYS, years_before
from onward.performance import indicators
from onward.performance.indicators import Figure
from onward.performance.models import Method, PersonFacts

IN_TOUCH_DAYS = 91  # a contact within about 3 months, the return's window before a birthday
NEET_OR_CUSTODY = sorted(NEET_ACTIVITIES | {EETActivity.CUSTODY.value})
EXCLUDING_REASONS = sorted(
    {codelists.ReasonEpisodeCeased.E2.value, codelists.ReasonEpisodeCeased.E3.value, *(r.value for r in ADOPTED)}
)
EXCLUDING_IN_TOUCH = [codelists.InTouch.RHOM.value, codelists.InTouch.DIED.value]
SUITABLE_TYPES_EXCLUDED = sorted(t.value for t in codelists.ALWAYS_UNSUITABLE)

BREAKDOWNS: dict[str, str] = {
    "team": "Team",
    "worker": "Personal adviser",
    "age": "Age",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "send": "Special educational needs or disability",
    "ehcp": "Education, health and care plan",
    "uasc": "Unaccompanied asylum-seeking child",
    "out_of_area": "Lives out of area",
}
_DIMENSION_COLUMNS = {
    "council": "council_id",
    "team": "team_id",
    "worker": "personal_adviser_id",
    "age": "age",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "send": "send",
    "ehcp": "ehcp",
    "uasc": "uasc",
    "out_of_area": "lives_out_of_area",
}
_FLAGS = {"send", "ehcp", "uasc", "out_of_area"}


# The live snapshot ----------------------------------------------------------------------------------


def _august_before(day: datetime.date) -> datetime.date:
    """31 August before the school year holding ``day``: the day academic age is taken."""
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 8, 31)


_SAFE = re.compile(r"^[\w|-]+$")


class _Sql:
    """Builds the SQL of the facts and conditions.

    Every value written into it is a date or a constant code (never user input); ``p`` writes it
    as a literal, after checking it holds only letters, digits, underscores and hyphens, so the
    pieces can be assembled in any order. The raw layer's own parameters are kept in ``params``.
    """

    def __init__(self) -> None:
        self.params: list[Any] = []
        self.scoped = False

    def within_as(self, table: str) -> str:
        """The condition that limits ``table``'s rows to the young people asked about, if any."""
        return f"{table}.{_q('person_id')} IN (SELECT id FROM scope) AND " if self.scoped else ""  # noqa: S608

    def p(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int):
            return str(value)
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if not _SAFE.match(text):
            raise ValueError(f"Not a code or a date: {text!r}")
        return f"'{text}'"

    def in_(self, values: Iterable[Any]) -> str:
        return "(" + ", ".join(self.p(v) for v in values) + ")"


def _people(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[Any]:
    """Layer ``p``: each young person aged 16 to 25 on ``day``, with what the facts need of them."""
    return (
        people.filter(date_of_birth__lte=years_before(day, 16), date_of_birth__gt=years_before(day, 26))
        .order_by()
        .values(
            "id",
            "council_id",
            "team_id",
            "personal_adviser_id",
            "sex",
            "ethnicity",
            "send",
            "ehcp",
            "uasc",
            "lives_out_of_area",
            "date_of_birth",
            "eligible_from",
            "recorded_care_leaver_from",
            "died_on",
        )
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Any]) -> str:
    return _q(model._meta.db_table)


def _latest(
    sql: _Sql,
    model: type[Any],
    where: Callable[[str], str],
    keys: Sequence[str],
    columns: Sequence[str],
    *,
    only: str = "",
) -> str:
    """Each young person's one row of ``model`` meeting ``where``: the one with the highest ``keys``.

    Written as "no other such row of theirs is later" (an anti-join), which the database runs as
    one hashed pass shared between its parallel workers, where sorting or numbering each young
    person's rows would be done whole in every worker. ``where`` gives the condition for a table
    alias. Only the young people asked about are read (``_Sql.within_as``). With ``only`` (a
    condition on alias ``s``), just the young people whose latest row also meets it are returned:
    when that is rare, the few rows are checked one by one for a later one, not every row.
    """
    later = f"n.{_q(keys[-1])} > s.{_q(keys[-1])}"
    for key in reversed(keys[:-1]):
        later = f"n.{_q(key)} > s.{_q(key)} OR (n.{_q(key)} = s.{_q(key)} AND ({later}))"
    chosen = ", ".join(f"s.{_q(c)}" for c in ["person_id", *columns])
    return (
        f"SELECT {chosen} FROM {_table(model)} s WHERE {sql.within_as('s')}{where('s')}{only} "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {_table(model)} n WHERE n.{_q('person_id')} = s.{_q('person_id')} "
        f"AND {where('n')} AND ({later}))"
    )


def _in_force(sql: _Sql, model: type[Any], day: datetime.date, columns: Sequence[str], extra: str = "") -> str:
    """Each young person's dated record of ``model`` in force on ``day`` (``DatedRecord.next_date``).

    At most one a young person by construction, so a plain filter: no sorting or grouping.
    """
    chosen = ", ".join(_q(c) for c in ["person_id", *columns])
    return (
        f"SELECT {chosen} FROM {_table(model)} WHERE {sql.within_as(_table(model))}"  # noqa: S608
        f"{_q('superseded_at')} IS NULL AND {_q('date')} <= {sql.p(day)} "
        f"AND ({_q('next_date')} IS NULL OR {_q('next_date')} > {sql.p(day)}){extra}"
    )


def _raw_sql(sql: _Sql, day: datetime.date) -> str:
    """Layer ``r``: each young person of ``p`` with their raw status on ``day``.

    Every history is read once for everyone, in one pass each (joined on the young person), not
    looked up a young person at a time: at national scale that is the difference between seconds
    and a tenth of the time (ADR 13).
    """
    d = sql.p(day)

    def not_short_break(t: str) -> str:
        return f"{t}.{_q('legal_status')} NOT IN {sql.in_(sorted(SHORT_BREAK_STATUSES))}"

    def covering(t: str) -> str:
        return (
            f"{t}.{_q('superseded_at')} IS NULL AND {t}.{_q('start')} <= {d} "
            f"AND ({t}.{_q('end')} IS NULL OR {t}.{_q('end')} >= {d})"
        )

    # Looked after on the day: any episode covering it will do; the latest started is taken.
    looked_after = _latest(
        sql,
        CareEpisode,
        lambda t: (
            f"{not_short_break(t)} AND {t}.{_q('start')} <= {d} AND ({t}.{_q('end')} IS NULL OR {t}.{_q('end')} > {d})"
        ),
        ["start", "id"],
        [],
    )
    # The latest care episode ended by the day matters only when its reason excludes the young
    # person (died, care transferred, adopted): only those few are looked for.
    final = _latest(
        sql,
        CareEpisode,
        lambda t: f"{not_short_break(t)} AND {t}.{_q('end')} <= {d}",
        ["end", "start", "id"],
        ["reason_ceased"],
        only=f" AND s.{_q('reason_ceased')} IN {sql.in_(EXCLUDING_REASONS)}",
    )
    activity = _latest(sql, EETSpell, covering, ["start", "id"], ["activity"])
    stay = _latest(sql, AccommodationSpell, covering, ["start", "id"], ["suitability", "accommodation_type"])
    contact = _in_force(sql, Contact, day, ["date", "in_touch"])
    review = _in_force(sql, PathwayPlanReview, day, ["next_due"])
    pep = _in_force(
        sql,
        PEP,
        day,
        ["social_worker_attended", "quality"],
        f" AND {_q('date')} > {sql.p(day - datetime.timedelta(days=PEP_TERM_DAYS))}",
    )
    august = _august_before(day)
    year_12_13 = (
        f"p.date_of_birth <= {sql.p(years_before(august, 16))} AND p.date_of_birth > {sql.p(years_before(august, 18))}"
    )
    return (
        "SELECT p.*, la.person_id AS pf_looked_after, fr.reason_ceased AS pf_excluding_reason, "  # noqa: S608 - constants
        "e.activity AS pf_activity, c.date AS pf_contact_date, c.in_touch AS pf_in_touch, "
        "pr.next_due AS pf_plan_due, s.suitability AS pf_suitability, s.accommodation_type AS pf_accommodation_type, "
        # The PEP is read only in Years 12 and 13.
        f"CASE WHEN {year_12_13} THEN pe.person_id END AS pf_pep, "
        f"CASE WHEN {year_12_13} THEN pe.social_worker_attended END AS pf_pep_sw, "
        f"CASE WHEN {year_12_13} THEN pe.quality END AS pf_pep_quality "
        f"FROM p LEFT JOIN ({looked_after}) la ON la.person_id = p.id "
        f"LEFT JOIN ({final}) fr ON fr.person_id = p.id "
        f"LEFT JOIN ({activity}) e ON e.person_id = p.id "
        f"LEFT JOIN ({contact}) c ON c.person_id = p.id "
        f"LEFT JOIN ({review}) pr ON pr.person_id = p.id "
        f"LEFT JOIN ({stay}) s ON s.person_id = p.id "
        f"LEFT JOIN ({pep}) pe ON pe.person_id = p.id"
    )


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _facts_sql(sql: _Sql, day: datetime.date) -> str:
    """Layer ``f``: the facts of ``indicators.FACTS`` from layer ``r``, with the dimensions."""
    qualified = (
        f"(r.eligible_from <= {sql.p(day)} OR (r.eligible_from IS NULL AND r.recorded_care_leaver_from IS NOT NULL "
        f"AND r.recorded_care_leaver_from <= {sql.p(day)}))"
    )
    looked_after = "(r.pf_looked_after IS NOT NULL)"
    in_touch_code = "r.pf_in_touch"
    excluded = (
        f"((r.died_on IS NOT NULL AND r.died_on <= {sql.p(day)})"
        f" OR (NOT {looked_after} AND r.pf_excluding_reason IS NOT NULL)"
        f" OR COALESCE({in_touch_code}, '') IN {sql.in_(EXCLUDING_IN_TOUCH)})"
    )
    in_scope = f"({qualified} AND NOT {excluded})"
    ages = " ".join(f"WHEN r.date_of_birth > {sql.p(years_before(day, n + 1))} THEN {n}" for n in range(16, 26))
    age = f"CASE {ages} ELSE 25 END"
    band = (
        f"CASE WHEN r.date_of_birth > {sql.p(years_before(day, 17))} THEN '16'"
        f" WHEN r.date_of_birth > {sql.p(years_before(day, 19))} THEN '17_18'"
        f" WHEN r.date_of_birth > {sql.p(years_before(day, 22))} THEN '19_21' ELSE '22_25' END"
    )
    activity = "COALESCE(r.pf_activity, '')"
    eet_group = (
        f"CASE WHEN {activity} IN {sql.in_(sorted(EET_ACTIVITIES))} THEN 'eet'"
        f" WHEN {activity} IN {sql.in_(NEET_OR_CUSTODY)} THEN 'neet' ELSE 'not_known' END"
    )
    neet_reason = (
        f"CASE WHEN {activity} = {sql.p(EETActivity.NEET_ILLNESS.value)} THEN 'illness'"
        f" WHEN {activity} = {sql.p(EETActivity.NEET_PARENTING.value)} THEN 'parenting'"
        f" WHEN {activity} IN {sql.in_(NEET_OR_CUSTODY)} THEN 'other' ELSE '' END"
    )
    august = _august_before(day)
    year_12_13 = f"(r.date_of_birth <= {sql.p(years_before(august, 16))} AND r.date_of_birth > {sql.p(years_before(august, 18))})"
    # Care leavers in Year 13 too: the councils extended PEPs to the end of Year 13 (issue 26).
    year_13 = f"(r.date_of_birth <= {sql.p(years_before(august, 17))} AND r.date_of_birth > {sql.p(years_before(august, 18))})"
    pep_cohort = f"(({looked_after} AND {year_12_13}) OR ({in_scope} AND NOT {looked_after} AND {year_13}))"
    suitable = (
        f"(r.pf_suitability = {sql.p(AccommodationSpell.Suitability.SUITABLE.value)} "
        f"AND r.pf_accommodation_type NOT IN {sql.in_(SUITABLE_TYPES_EXCLUDED)})"
    )
    good = [PEP.Quality.GOOD.value, PEP.Quality.OUTSTANDING.value]
    columns = {
        "cl": _flag(f"{in_scope} AND NOT {looked_after}"),
        "band": band,
        "age": age,
        "eet_group": eet_group,
        "neet_reason": neet_reason,
        "he": _flag(f"{activity} = {sql.p(EETActivity.HIGHER_EDUCATION.value)}"),
        "suitable": _flag(suitable),
        "in_touch": _flag(
            f"{in_touch_code} = {sql.p(codelists.InTouch.YES.value)} AND r.pf_contact_date >= "
            f"{sql.p(day - datetime.timedelta(days=IN_TOUCH_DAYS))}"
        ),
        "plan_cohort": _flag(f"{in_scope} AND r.date_of_birth > {sql.p(years_before(day, 25))}"),
        "plan_in_date": _flag(f"r.pf_plan_due IS NOT NULL AND r.pf_plan_due >= {sql.p(day)}"),
        "pep_cohort": _flag(pep_cohort),
        "pep_recent": _flag("r.pf_pep IS NOT NULL"),
        "pep_sw": _flag("r.pf_pep_sw"),
        "pep_good": _flag(f"r.pf_pep_quality IN {sql.in_(good)}"),
    }
    dims = ", ".join(f"r.{c} AS {c}" for c in _DIMENSION_COLUMNS.values() if c != "age")
    selected = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
    return f"SELECT r.id AS id, {dims}, {selected} FROM r"  # noqa: S608 - built from constants


def _condition_sql(sql: _Sql, condition: Mapping[str, Any]) -> str:
    parts = []
    for key, wanted in condition.items():
        if key.endswith("__in"):
            parts.append(f"f.{key[:-4]} IN {sql.in_(wanted)}")
        else:
            value = int(wanted) if isinstance(wanted, bool) else wanted
            parts.append(f"f.{key} = {sql.p(value)}")
    return " AND ".join(parts) or "1 = 1"


def _with(people: QuerySet[YoungPerson], day: datetime.date, sql: _Sql, *, reused: bool = False) -> str:
    """The common table expressions ``p``, ``r`` and ``f`` for ``people`` on ``day``.

    When ``people`` is a selection (a council, a team), each history read is limited to it through
    ``scope``, which the database expands where it is used (``NOT MATERIALIZED``), so it plans each
    read with the real table's statistics: index lookups for a council, one pass for a region.
    Everyone (no selection) needs no limit: each history is read whole. The layers are expanded
    into the one statement, so PostgreSQL can share the work between parallel workers, except
    that ``f`` is worked out once and kept when the statement reads it more than once (``reused``).
    """
    head = "WITH "
    if people.query.where:
        scope_sql, scope_params = people.order_by().values("id").query.sql_with_params()
        sql.params.extend(scope_params)
        head += f"scope AS NOT MATERIALIZED ({scope_sql}), "
        sql.scoped = True
    people_sql, people_params = _people(people, day).query.sql_with_params()
    sql.params.extend(people_params)
    raw = _raw_sql(sql, day)
    facts = _facts_sql(sql, day)
    kept = "MATERIALIZED" if reused else "NOT MATERIALIZED"
    if not reused and connection.vendor == "postgresql":
        # Expanded into the counting query, each fact would be worked out again in every count that
        # uses it (about 0.3 s over 250,000 young people); OFFSET 0 keeps ``f`` a subquery, worked
        # out once a row, without materialising it (which would stop the parallel plan).
        facts += " OFFSET 0"
    return f"{head}p AS NOT MATERIALIZED ({people_sql}), r AS NOT MATERIALIZED ({raw}), f AS {kept} ({facts}) "


# Planner settings for the live query on PostgreSQL, for its transaction only:
# - no JIT compilation: the planner costs the query far above the JIT thresholds, and compiling it
#   took longer than running it (about 0.3 s of a council's dashboard);
# - random reads costed as the data is held, in memory or on SSD (the default, 4, is for spinning
#   disks): otherwise it reads a whole history rather than look up a council's 2,000 young people;
# - enough working memory for each history's young people to be hashed in one batch at national
#   scale (about 250,000 rows each).
LIVE_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL random_page_cost = 1.1", "SET LOCAL work_mem = '64MB'")


def _run(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Runs one live query; on PostgreSQL with ``LIVE_SETTINGS``.

    ``SET LOCAL`` is sent in the same call, ahead of the query (no extra round trip or query): it
    lasts for the implicit transaction of that call, or to the end of the transaction it runs in.
    A call whose values are sent apart from the SQL holds one statement only (ADR 39), so psycopg
    writes this query's values into its text (``mogrify``, quoting them as its client-side binding
    does) and the call is sent without any.
    """
    reporting = connections[reporting_alias()]  # a read replica, if one is configured
    with reporting.cursor() as cursor:
        if reporting.vendor == "postgresql":
            written = psycopg.ClientCursor(reporting.connection).mogrify(statement, params)
            cursor.execute("; ".join([*LIVE_SETTINGS, written]))
            for _ in LIVE_SETTINGS:
                cursor.nextset()  # past each SET, to the query's rows
        else:
            cursor.execute(statement, params)
        return list(cursor.fetchall())


def live_counts(
    people: QuerySet[YoungPerson],
    day: datetime.date,
    *,
    group_by: str = "",
    codes: Iterable[str] | None = None,
) -> dict[tuple[str, str], dict[str, Figure]]:
    """Every live indicator for ``people`` on ``day`` in one query, per council and group of ``group_by``.

    Keys are ``(council id, group)``; the group is ``""`` without a breakdown.
    """
    return live_counts_many(people, day, dimensions=[group_by], codes=codes)[group_by]


def live_counts_many(
    people: QuerySet[YoungPerson],
    day: datetime.date,
    *,
    dimensions: Sequence[str],
    codes: Iterable[str] | None = None,
) -> dict[str, dict[tuple[str, str], dict[str, Figure]]]:
    """Every live indicator per council for each of ``dimensions`` (``""``: no breakdown), in one query.

    The facts are worked out once (a materialised expression) and grouped once per dimension
    (``UNION ALL``), so the headline and every breakdown cost about as much as the headline alone.
    Each figure is a ``COUNT(*) FILTER (WHERE ...)`` (SQLite 3.30 or newer): about a quarter quicker
    than ``SUM(CASE ...)`` over everyone at national scale, since no value is made and added a row.
    """
    chosen = [indicators.get(c) for c in codes] if codes is not None else indicators.for_method(Method.SNAPSHOT)
    sql = _Sql()
    head = _with(people, day, sql, reused=len(dimensions) > 1)
    sums = []
    for indicator in chosen:
        sums.append(f"COUNT(*) FILTER (WHERE {_condition_sql(sql, indicators.numerator_condition(indicator))})")
        sums.append(f"COUNT(*) FILTER (WHERE {_condition_sql(sql, indicator.denominator)})")
    branches = []
    for dimension in dimensions:
        if dimension not in ("", *_DIMENSION_COLUMNS):
            raise ValueError(f"Not a breakdown: {dimension!r}")
        column = f"CAST(f.{_DIMENSION_COLUMNS[dimension]} AS VARCHAR(40))" if dimension else "''"
        grouping = "f.council_id" + (f", f.{_DIMENSION_COLUMNS[dimension]}" if dimension else "")
        branches.append(
            f"SELECT '{dimension}' AS dimension, f.council_id, {column} AS grp, {', '.join(sums)} FROM f GROUP BY {grouping}"  # noqa: S608 - from constants
        )
    found: dict[str, dict[tuple[str, str], dict[str, Figure]]] = {d: {} for d in dimensions}
    for row in _run(head + " UNION ALL ".join(branches), sql.params):
        dimension = row[0]
        key = (str(row[1]), _group_value(dimension, row[2]) if dimension else "")
        figures = {}
        for i, indicator in enumerate(chosen):
            numerator, denominator = int(row[3 + 2 * i] or 0), int(row[4 + 2 * i] or 0)
            figures[indicator.code] = Figure(
                code=indicator.code,
                method=Method.SNAPSHOT,
                day=day,
                numerator=numerator,
                denominator=denominator if indicator.is_rate else None,
                unit=indicator.unit,
            )
        found[dimension][key] = figures
    return found


def live_counts_per_person(
    people: QuerySet[YoungPerson],
    day: datetime.date,
    *,
    dimensions: Sequence[str],
    codes: Iterable[str] | None = None,
) -> dict[str, dict[tuple[str, str], dict[str, Figure]]]:
    """The same figures as ``live_counts_many``, counted in Python from each young person's facts.

    The database works out the facts once per young person (the costly part); Python then sorts
    each young person into every dimension's group at once. Many breakdowns of a large cohort (the
    monthly snapshot of a national instance) are quicker this way than one counting pass per
    breakdown in SQL.
    """
    sql = _Sql()
    head = _with(people, day, sql)
    columns = sorted({_DIMENSION_COLUMNS[d] for d in dimensions if d})
    names = ["council_id", *columns, *indicators.FACTS]
    rows = _run(f"{head}SELECT {', '.join('f.' + n for n in names)}, 1 FROM f", sql.params)  # noqa: S608 - constants
    return _tally(rows, day, dimensions=dimensions, columns=columns, codes=codes)


def _tally(
    rows: Iterable[Sequence[Any]],
    day: datetime.date,
    *,
    dimensions: Sequence[str],
    columns: Sequence[str],
    codes: Iterable[str] | None,
) -> dict[str, dict[tuple[str, str], dict[str, Figure]]]:
    """Figures from rows of council, ``columns``, the facts and how many young people have them."""
    chosen = [indicators.get(c) for c in codes] if codes is not None else indicators.for_method(Method.SNAPSHOT)
    facts_from = 1 + len(columns)
    positions = {column: 1 + i for i, column in enumerate(columns)}
    tallies: dict[tuple[str, str, str], Counter[tuple[Any, ...]]] = defaultdict(Counter)
    for row in rows:
        key = tuple(row[facts_from:-1])
        council = str(row[0])
        for dimension in dimensions:
            group = _group_value(dimension, row[positions[_DIMENSION_COLUMNS[dimension]]]) if dimension else ""
            tallies[(dimension, council, group)][key] += row[-1]
    found: dict[str, dict[tuple[str, str], dict[str, Figure]]] = {d: {} for d in dimensions}
    for (dimension, council, group), counts in tallies.items():
        found[dimension][(council, group)] = indicators.figures_from_counts(
            counts, method=Method.SNAPSHOT, day=day, codes=[i.code for i in chosen]
        )
    return found


def stored_counts_per_person(
    council_id: int,
    day: datetime.date,
    *,
    dimensions: Sequence[str],
    codes: Iterable[str] | None = None,
) -> dict[str, dict[tuple[str, str], dict[str, Figure]]]:
    """The figures of ``live_counts_per_person`` for a whole council, from the facts stored for ``day``
    (``PersonFacts``, brought up to date by ``services.keep_facts_current``): the database counts each
    combination of facts and dimensions once, so there are a few hundred rows to add up, not a row a
    young person."""
    columns = sorted({_DIMENSION_COLUMNS[d] for d in dimensions if d})
    names = ", ".join(["council_id", *columns, *indicators.FACTS])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names}, COUNT(*) FROM {_table(PersonFacts)} "  # noqa: S608 - constants
            f"WHERE council_id = %s AND day = %s GROUP BY {names}",
            [council_id, day],
        )
        rows = cursor.fetchall()
    return _tally(rows, day, dimensions=dimensions, columns=columns, codes=codes)


STORED_FACT_COLUMNS = (
    "council_id",
    "team_id",
    "personal_adviser_id",
    "age",
    "sex",
    "ethnicity",
    "send",
    "ehcp",
    "uasc",
    "lives_out_of_area",
    *indicators.FACTS,
)


def facts_to_store(people: QuerySet[YoungPerson], day: datetime.date) -> list[PersonFacts]:
    """The ``PersonFacts`` of ``people`` on ``day`` (those aged 16 to 25), worked out from their records on
    the primary database (what was just written must be read)."""
    sql = _Sql()
    head = _with(people, day, sql)
    names = ", ".join(f"f.{c}" for c in ("id", *STORED_FACT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(f"{head}SELECT {names} FROM f", sql.params)  # noqa: S608 - constants
        rows = cursor.fetchall()
    return [
        PersonFacts(person_id=row[0], day=day, **dict(zip(STORED_FACT_COLUMNS, row[1:], strict=True))) for row in rows
    ]


def facts_rules() -> str:
    """The statement that works out the facts, for a fixed day: stored facts made by other rules are
    worked out again (``people.stored.fingerprint``)."""
    sql = _Sql()
    head = _with(YoungPerson.objects.filter(council_id=0), datetime.date(2000, 1, 1), sql)
    return head + repr(sql.params) + repr(STORED_FACT_COLUMNS)


def _group_value(group_by: str, value: Any) -> str:
    if group_by in _FLAGS:
        return "yes" if str(value).lower() in ("1", "true", "t") else "no"
    return "" if value is None else str(value)


def live_ids(
    people: QuerySet[YoungPerson],
    day: datetime.date,
    condition: Mapping[str, Any],
    *,
    breakdown: str = "",
    value: str = "",
) -> list[int]:
    """The ids of ``people`` meeting ``condition`` on ``day`` (in a breakdown's group, if given)."""
    sql = _Sql()
    head = _with(people, day, sql)
    where = _condition_sql(sql, condition)
    if breakdown:
        column = _DIMENSION_COLUMNS[breakdown]
        if breakdown in _FLAGS:
            where += f" AND f.{column} = " + ("TRUE" if value == "yes" else "FALSE")
        elif value == "":
            where += f" AND f.{column} IS NULL"
        else:
            where += f" AND f.{column} = " + sql.p(int(value) if breakdown in ("team", "worker", "age") else value)
    return [row[0] for row in _run(f"{head}SELECT f.id FROM f WHERE {where}", sql.params)]  # noqa: S608


def live_facts(people: QuerySet[YoungPerson], day: datetime.date) -> dict[int, dict[str, Any]]:
    """Each young person's facts on ``day`` (for explaining a figure and for tests)."""
    sql = _Sql()
    head = _with(people, day, sql)
    names = ["id", *indicators.FACTS, "age"]
    rows = _run(f"{head}SELECT {', '.join('f.' + n for n in names)} FROM f", sql.params)  # noqa: S608
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in rows}
