"""An API world on top of the shared two-council world: a council system account holding every
council role that reads or writes through the API, and an employer organisation with a candidate."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from onward.accounts.models import Organisation, Partnership, User
from onward.api.models import ExportJob
from tests.conftest import Tenant
from tests.factories import PartnerFactory, UserFactory

COUNCIL_SYSTEM_ROLES = ["team_manager", "performance_officer", "employer_engagement_worker", "triage_coordinator"]


@dataclass
class ApiWorld:
    council_system: User
    partner_system: User
    employer_system: User
    job: ExportJob


def add_api_world(tenant: Tenant, label: str) -> ApiWorld:
    council_system = UserFactory(
        email=f"case-system@{label.lower()}.example",
        organisation=tenant.council,
        roles=COUNCIL_SYSTEM_ROLES,
        teams=[tenant.team],
    )
    partner_system = UserFactory(
        email=f"referrals-system@{label.lower()}-partner.example",
        organisation=tenant.partner,
        roles=["partner_provider"],
        teams=[],
    )
    employer = PartnerFactory(name=f"{label} Logistics Ltd", kind=Organisation.Kind.EMPLOYER, councils=[tenant.council])
    assert Partnership.objects.filter(council=tenant.council, partner=employer, status="accepted").exists()
    UserFactory(
        email=f"admin@{label.lower()}-logistics.example",
        organisation=employer,
        roles=["partner_administrator"],
        teams=[],
    )
    employer_system = UserFactory(
        email=f"hr-system@{label.lower()}-logistics.example",
        organisation=employer,
        roles=["partner_provider"],
        teams=[],
    )
    assert tenant.employer is not None
    tenant.employer.organisation = employer
    tenant.employer.save(update_fields=["organisation"])
    job = ExportJob.objects.create(
        council=tenant.council,
        requested_by=council_system,
        kind=ExportJob.Kind.NCCIS,
        parameter="2026-10",
        status=ExportJob.Status.DONE,
        file_name="nccis-feed-2026-10.csv",
        content_type="text/csv",
        content=b"a,b\r\n",
        finished_at=timezone.now(),
    )
    return ApiWorld(council_system, partner_system, employer_system, job)
