"""The spreadsheet import of a plan in the core import flow (``onward.core.imports``, ADR 31).

The upload is kept as a :class:`PlanImport` with its rows as read; it is checked (every row, every
problem with its row and column) and, if every row passes, saved through ``services.plan_import``
all or nothing. Small files go through at once, in the request; above ``ONWARD_BACKGROUND_IMPORT_ROWS``
rows both the check and the save run in the background, and the run's page shows progress.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import imports
from onward.plans import interchange, schemes
from onward.plans.models import Plan, PlanImport, RatingScheme

KIND = "plan"


def _new_plan_fields(run: PlanImport) -> dict[str, Any]:
    fields = dict(run.new_plan)
    custom_id = fields.pop("custom_scheme", None)
    fields["custom_scheme"] = (
        RatingScheme.objects.filter(council=run.council, pk=custom_id).first() if custom_id else None
    )
    return fields


def _scheme(run: PlanImport) -> schemes.Scheme:
    if run.plan is not None:
        return run.plan.scheme()
    fields = _new_plan_fields(run)
    custom = fields.get("custom_scheme")
    if fields.get("rating_scheme") == schemes.CUSTOM and isinstance(custom, RatingScheme):
        return custom.as_scheme()
    return schemes.BUILT_IN.get(str(fields.get("rating_scheme", "")), schemes.BUILT_IN[schemes.RAG])


def _parse(run: PlanImport) -> interchange.Parsed:
    rows = [(int(number), [str(cell) for cell in cells]) for number, cells in run.rows]
    taken = set(run.plan.items.values_list("reference", flat=True)) if run.plan is not None else None
    return interchange.parse_rows(rows, scheme=_scheme(run), today=timezone.localdate(), taken=taken)


def _problems(parsed: interchange.Parsed) -> list[dict[str, Any]]:
    return [asdict(problem) for problem in parsed.problems]


class PlanImportKind(imports.ImportKind):
    kind = KIND
    model = PlanImport
    noun = "a plan spreadsheet"
    commit_when_clean = True
    title = "Plan spreadsheet"
    url_name = "plans:import-run"

    def rows(self, run: Any) -> int:
        return max(len(run.rows) - 1, 0)

    def check(self, run: Any) -> imports.Checked:
        parsed = _parse(run)
        return imports.Checked(
            problems=_problems(parsed),
            summary={"rows": self.rows(run), "items": len(parsed.items), "sections": len(parsed.sections)},
        )

    def apply(self, run: Any, acting_user: Any) -> str:
        from onward.plans import services

        parsed = _parse(run)
        if parsed.problems:
            raise imports.Rejected(_problems(parsed), "The plan changed since the check: upload the spreadsheet again")
        try:
            with transaction.atomic():
                plan = services.plan_import(
                    acting_user=acting_user,
                    council=run.council,
                    plan=run.plan,
                    parsed=parsed,
                    file_name=run.file_name,
                    plan_fields=_new_plan_fields(run) if run.plan is None else None,
                )
        except ValidationError as error:
            problems = [
                {"row": 0, "column": "" if name == "__all__" else name, "message": message}
                for name, messages in (
                    error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
                )
                for message in messages
            ]
            raise imports.Rejected(problems, str(problems[0]["message"]) if problems else "") from None
        run.plan = plan
        run.summary = {**run.summary, "items": len(parsed.items), "sections": len(parsed.sections)}
        run.rows = []  # saved into the plan: the copy of the file (leads' names and addresses) is not kept
        return ""  # services.plan_import wrote the one entry for the plan

    def forget(self, run: Any) -> list[str]:
        run.rows = []
        return ["rows"]


def plan_import_start(
    *,
    acting_user: User,
    council: Organisation,
    plan: Plan | None,
    file_name: str,
    rows: list[tuple[int, list[str]]],
    plan_fields: dict[str, Any] | None = None,
    background: bool = True,
) -> PlanImport:
    """Keep the spreadsheet's rows, check them and, if every row passes, save them (all or nothing).

    At once for small files; in the background above ``ONWARD_BACKGROUND_IMPORT_ROWS`` rows, when
    the run is returned still busy and its page shows the progress.
    """
    if not acting_user.can(Perm.MANAGE_PLANS):
        raise PermissionDenied
    if plan is not None and plan.council_id != council.pk:
        raise ValidationError("The plan is not your council's")
    new_plan: dict[str, Any] = {}
    if plan is None:
        fields = dict(plan_fields or {})
        custom = fields.get("custom_scheme")
        fields["custom_scheme"] = custom.pk if isinstance(custom, RatingScheme) else None
        new_plan = fields
    refused: PlanImport | None = None
    try:
        with transaction.atomic():
            run = PlanImport.objects.create(
                council=council,
                status=imports.Status.QUEUED,
                created_by=acting_user,
                plan=plan,
                new_plan=new_plan,
                file_name=file_name[:200],
                rows=[[number, cells] for number, cells in rows],
            )
            result: PlanImport = imports.begin(run=run, background=background)
            if result.status == imports.Status.REJECTED:
                # Checked at once and refused: nothing is kept, not even the run; the page lists the problems.
                result.refresh_from_db()
                refused = result
                raise _Refused
            if result.status != imports.Status.COMMITTED:  # a saved import's entry is the plan's
                audit_record(
                    actor=acting_user,
                    action=AuditEvent.Action.CREATE,
                    council=council,
                    obj=run,
                    summary=f"Started a plan import of {file_name[:100]}: {max(len(rows) - 1, 0)} rows",
                )
    except _Refused:
        assert refused is not None  # noqa: S101
        refused.pk = None
        return refused
    return result


class _Refused(Exception):
    pass


def problems_of(run: PlanImport) -> list[interchange.Problem]:
    """The run's problems as the upload page lists them."""
    return [
        interchange.Problem(int(p.get("row") or 0), str(p.get("column", "")), str(p.get("message", "")))
        for p in run.problems
    ]
