"""Rating schemes: RAG, the 1 to 4 grading and a council's own scheme, each chosen per plan."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onward.plans import schemes, selectors, services
from onward.plans.models import Plan
from tests.conftest import Tenant


def _rate(tenant: Tenant, rating: str) -> None:
    services.update_record(
        acting_user=tenant.users["plan_lead"],
        item=tenant.plan_item,
        dated=timezone.localdate(),
        achievements=["Done something"],
        next_steps=[],
        rating=rating,
    )


def test_rag_scheme_has_green_amber_red_with_their_meanings(world) -> None:
    """A RAG plan offers G, A and R with the official meanings, and its legend says them all."""
    scheme = world["A"].plan.scheme()
    assert scheme.keys == ["G", "A", "R"]
    assert scheme.get("A").description == "Started, with some challenges being encountered"
    assert "Red = Substantial challenges encountered" in scheme.legend
    _rate(world["A"], "A")
    summary = selectors.plan_summary(world["A"].plan)
    assert {c.label: c.count for c in summary["ratings"]} == {"Green": 0, "Amber": 1, "Red": 0, "Not rated": 0}


def test_grading_scheme_rates_1_to_4_and_refuses_rag_keys(world) -> None:
    """A plan on the 1 to 4 grading takes "3" (Slipped) but not "G"."""
    tenant = world["A"]
    services.plan_save(
        acting_user=tenant.users["performance_officer"],
        council=tenant.council,
        plan=tenant.plan,
        version=tenant.plan.version,
        rating_scheme=schemes.GRADING,
    )
    tenant.plan.refresh_from_db()
    assert tenant.plan.scheme().display_of("3") == "3. Slipped"
    with pytest.raises(ValidationError):
        _rate(tenant, "G")
    _rate(tenant, "3")
    counts = {c.label: c.count for c in selectors.plan_summary(tenant.plan)["ratings"]}
    assert counts["3. Slipped"] == 1
    assert counts["1. Fully achieved"] == 0


def test_a_council_defines_its_own_scheme_and_a_plan_uses_it(world) -> None:
    """A custom scheme's ratings are offered in its order; the plan page counts by them."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    custom = services.rating_scheme_save(
        acting_user=officer,
        council=tenant.council,
        scheme=None,
        name="Five stars",
        description="Stars for progress",
        ratings=[
            {"key": "5", "label": "Excellent", "description": "Beyond the target", "colour": "green"},
            {"key": "1", "label": "Stalled", "description": "No progress", "colour": "red"},
        ],
    )
    services.plan_save(
        acting_user=officer,
        council=tenant.council,
        plan=tenant.plan,
        version=tenant.plan.version,
        rating_scheme=schemes.CUSTOM,
        custom_scheme=custom,
    )
    tenant.plan.refresh_from_db()
    plan = Plan.objects.get(pk=tenant.plan.pk)
    assert plan.scheme().keys == ["5", "1"]
    assert plan.scheme().legend == "5. Excellent = Beyond the target; 1. Stalled = No progress"
    _rate(tenant, "5")
    with pytest.raises(ValidationError):
        services.rating_scheme_save(
            acting_user=officer,
            council=tenant.council,
            scheme=custom,
            version=custom.version,
            name="Five stars",
            description="",
            ratings=[{"key": "1", "label": "Stalled", "description": "No progress", "colour": "red"}],
        )


def test_custom_scheme_needs_distinct_keys_and_a_colour(world) -> None:
    """Duplicated keys, or a rating without a colour, are refused with a clear message."""
    tenant = world["A"]
    with pytest.raises(ValidationError, match="different key"):
        services.rating_scheme_save(
            acting_user=tenant.users["performance_officer"],
            council=tenant.council,
            scheme=None,
            name="Twice",
            description="",
            ratings=[
                {"key": "X", "label": "One", "description": "", "colour": "green"},
                {"key": "X", "label": "Two", "description": "", "colour": "red"},
            ],
        )
    with pytest.raises(ValidationError, match="colour"):
        services.rating_scheme_save(
            acting_user=tenant.users["performance_officer"],
            council=tenant.council,
            scheme=None,
            name="No colour",
            description="",
            ratings=[{"key": "X", "label": "One", "description": "", "colour": ""}],
        )


def test_rating_scheme_cannot_change_once_updates_are_rated(world) -> None:
    """Changing the scheme after ratings were given would make them meaningless, so it is refused."""
    tenant = world["A"]
    _rate(tenant, "G")
    with pytest.raises(ValidationError, match="cannot change"):
        services.plan_save(
            acting_user=tenant.users["performance_officer"],
            council=tenant.council,
            plan=tenant.plan,
            version=tenant.plan.version,
            rating_scheme=schemes.GRADING,
        )


def test_the_administrator_defines_a_rating_scheme_as_reference_data(world, signed_in) -> None:
    """Rating schemes are reference data: the administrator defines one; a plan lead may only read them."""
    from django.urls import reverse

    from onward.plans.models import RatingScheme

    tenant = world["A"]
    admin = signed_in(tenant.users["administrator"])
    assert "Define a scheme" in admin.get(reverse("plans:scheme-list")).content.decode()
    response = admin.post(
        reverse("plans:scheme-create"),
        {
            "name": "Traffic and blue",
            "description": "Blue for complete",
            "rating_1_key": "B",
            "rating_1_label": "Blue",
            "rating_1_description": "Complete",
            "rating_1_colour": "blue",
            "rating_2_key": "G",
            "rating_2_label": "Green",
            "rating_2_description": "On schedule",
            "rating_2_colour": "green",
        },
    )
    assert response.status_code == 302
    scheme = RatingScheme.objects.get(council=tenant.council, name="Traffic and blue")
    assert scheme.as_scheme().keys == ["B", "G"]
    lead = signed_in(tenant.users["plan_lead"])
    assert "Define a scheme" not in lead.get(reverse("plans:scheme-list")).content.decode()
    assert lead.get(reverse("plans:scheme-create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.rating_scheme_save(
            acting_user=tenant.users["plan_lead"],
            council=tenant.council,
            scheme=None,
            name="Not allowed",
            description="",
            ratings=[{"key": "X", "label": "X", "description": "", "colour": "red"}],
        )
