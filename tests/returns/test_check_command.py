"""`check_ssda903` (and so `make check-903`) passes only a full return: nobody in scope left out."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.returns import selectors
from tests.returns.test_ssda903 import YEAR, leaver


def check(council: Organisation, year: int = YEAR) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_ssda903", "--council", council.name, "--year", str(year), stdout=out)
    except SystemExit as stopped:
        return int(stopped.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_full_return_with_no_errors_passes(council) -> None:  # type: ignore[no-untyped-def]
    council, adviser = council
    leaver(council, adviser, child="A19", age_in_year=19)
    leaver(council, adviser, child="A20", age_in_year=20)
    status, output = check(council)
    assert status == 0, output
    assert "2 OC3 rows checked" in output
    assert "left out" not in output


def test_a_young_person_left_out_fails_the_check_and_is_named_with_the_reason(council) -> None:  # type: ignore[no-untyped-def]
    """The rows written may be clean, but a return that leaves someone out is not a passing one."""
    council, adviser = council
    leaver(council, adviser, child="A19", age_in_year=19)
    leaver(council, adviser, child="NOACT", age_in_year=20, activity=None)
    status, output = check(council)
    assert status == 1
    assert "1 OC3 rows checked" in output
    assert "1 young people in scope for 2025 are left out of OC3" in output
    assert "child NOACT: In touch but no activity recorded around their 20th birthday" in output


def test_an_empty_return_for_a_council_with_care_leavers_fails(council) -> None:  # type: ignore[no-untyped-def]
    """Everyone left out (no contact around the birthday) once passed as "0 rows, 0 errors"."""
    council, adviser = council
    leaver(council, adviser, child="NOCON1", age_in_year=19, in_touch="")
    leaver(council, adviser, child="NOCON2", age_in_year=21, in_touch="")
    status, output = check(council)
    assert status == 1
    assert "0 OC3 rows checked" in output
    assert "child NOCON1: No contact recorded around their 19th birthday" in output


def test_the_demo_councils_past_returns_are_full(db) -> None:  # type: ignore[no-untyped-def]
    """The demo records contacts around past birthdays, so the last three years' returns hold their care
    leavers (they were empty: every contact was from the last 18 months). Those left out for an
    incomplete record fail the check, each named with the reason."""
    call_command("load_demo", "--quiet")
    council = Organisation.objects.get(name="Wexbridge City Council")
    today = timezone.localdate()
    this_year = today.year + 1 if today.month >= 4 else today.year
    for year in (this_year - 1, this_year - 2, this_year - 3):
        result = selectors.build_return(council=council, year=year)
        no_contact = [issue for issue in result.issues if issue.fix == "contact"]
        assert len(result.oc3) > 80, year
        assert len(result.issues) < len(result.oc3) / 4, year
        assert no_contact == [], year
        status, output = check(council, year)
        assert status == (1 if result.issues else 0)
        for issue in result.issues:
            assert f"child {issue.person.child_id}: {issue.message}" in output


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from tests.factories import CouncilFactory, UserFactory

    council = CouncilFactory(name="Fernhill District Council")
    return council, UserFactory(organisation=council, roles=["personal_adviser"])


def test_the_help_says_when_the_check_fails() -> None:
    """An operator reading --help learns that a left-out young person or an empty return fails it."""
    from onward.returns.management.commands.check_ssda903 import Command

    assert "anyone in scope for the year is left out of OC3" in Command.help
    assert "an empty return for a council with care leavers in the year fails" in Command.help
