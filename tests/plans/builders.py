"""A synthetic plan of any shape and size, for the document and spreadsheet tests and the benchmark.

Content comes from Faker (en_GB) with a fixed seed. Built directly with the models (no audit),
because it is test data, not a change anyone made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from faker import Faker

from onward.accounts.models import Organisation, User
from onward.plans import schemes
from onward.plans.models import Item, Plan, ReviewRound, Section, TargetDate, Update


@dataclass
class Built:
    plan: Plan
    earlier_round: ReviewRound
    current_round: ReviewRound
    superseded: Item
    withdrawn: Item
    rerated: Item  # rated in the earlier round, rated differently in the current one
    unrated: Item  # never rated
    items: list[Item] = field(default_factory=list)


def build_plan(
    *,
    council: Organisation,
    officer: User,
    kind: str = Plan.Kind.ACTION_PLAN,
    sections: int = 3,
    per_section: int = 4,
    seed: int = 12,
) -> Built:
    """A plan with ``sections`` x ``per_section`` items: leads, target dates, two review rounds of updates.

    The first item of the first section is superseded and the second withdrawn (each with a reason);
    the third was rated in the earlier round and re-rated in the current one; the last item is never rated.
    """
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    scheme_key = schemes.GRADING if kind.startswith("scrutiny") else schemes.RAG
    keys = schemes.BUILT_IN[scheme_key].keys
    today = timezone.localdate()
    plan = Plan.objects.create(
        council=council,
        title=f"{fake.city()} care leavers {fake.word()} plan",
        kind=kind,
        owning_body=f"{fake.city()} Scrutiny Panel",
        owner=officer,
        aim=fake.paragraph(nb_sentences=2),
        agreed_on=today - datetime.timedelta(days=400),
        rating_scheme=scheme_key,
    )
    earlier = ReviewRound.objects.create(
        plan=plan,
        name=f"Review of {today - datetime.timedelta(days=120):%B %Y}",
        opened_on=today - datetime.timedelta(days=120),
        due_on=today - datetime.timedelta(days=100),
        opened_by=officer,
        closed_at=timezone.now() - datetime.timedelta(days=90),
        closed_by=officer,
    )
    current = ReviewRound.objects.create(
        plan=plan,
        name=f"Review of {today:%B %Y}",
        opened_on=today - datetime.timedelta(days=5),
        due_on=today + datetime.timedelta(days=10),
        opened_by=officer,
    )
    items: list[Item] = []
    updates: list[Update] = []
    order = 0
    for s in range(sections):
        section = Section.objects.create(
            plan=plan,
            reference=str(s + 1),
            title=fake.sentence(nb_words=6).rstrip("."),
            aim=fake.sentence(nb_words=14),
            order=s + 1,
        )
        for i in range(per_section):
            order += 1
            item = Item.objects.create(
                plan=plan,
                section=section,
                reference=f"{s + 1}.{i + 1}",
                text=fake.sentence(nb_words=16),
                agreed_action=fake.sentence(nb_words=12),
                success_measure=fake.sentence(nb_words=10),
                named_leads=fake.name(),
                order=order,
            )
            item.leads.add(officer)
            TargetDate.objects.create(item=item, due_on=today + datetime.timedelta(days=30 * (i + 1)))
            items.append(item)
    last = items[-1]
    for index, item in enumerate(items):
        if item is last:
            continue
        updates.append(
            Update(
                item=item,
                round=earlier,
                dated=today - datetime.timedelta(days=110),
                author=officer,
                achievements=[fake.sentence(nb_words=8)],
                next_steps=[fake.sentence(nb_words=8)],
                rating=keys[-1] if index == 2 else keys[index % len(keys)],
                rating_explanation=fake.sentence(nb_words=8),
                evidence_of_progress=fake.sentence(nb_words=12),
                evidence_of_impact=fake.sentence(nb_words=12),
                initial_response=fake.sentence(nb_words=14),
            )
        )
        updates.append(
            Update(
                item=item,
                round=current,
                dated=today - datetime.timedelta(days=2),
                author=officer,
                achievements=[fake.sentence(nb_words=8), fake.sentence(nb_words=6)],
                next_steps=[fake.sentence(nb_words=8)],
                rating=keys[0] if index == 2 else keys[index % len(keys)],
                rating_explanation=fake.sentence(nb_words=8),
                evidence_of_progress=fake.sentence(nb_words=16),
                evidence_of_impact=fake.sentence(nb_words=12),
                second_response=fake.sentence(nb_words=14),
                outstanding_actions=fake.sentence(nb_words=8),
            )
        )
    Update.objects.bulk_create(updates)
    superseded, withdrawn = items[0], items[1]
    superseded.status, superseded.status_reason = Item.Status.SUPERSEDED, f"Replaced by action {items[-1].reference}"
    withdrawn.status, withdrawn.status_reason = Item.Status.WITHDRAWN, "Withdrawn after the contract ended"
    superseded.save()
    withdrawn.save()
    return Built(plan, earlier, current, superseded, withdrawn, items[2], last, items)
