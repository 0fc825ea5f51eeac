"""No model's default ordering goes through a relation: ordering by ``person`` (rather than ``person_id``)
makes every query of the model without an ``order_by`` join the related table and sort by its own
default ordering (a young person's name), which cost a young person's page a join in each of its
thirteen history queries."""

from __future__ import annotations

from django.apps import apps


def test_no_default_ordering_joins_another_table() -> None:
    through_a_relation = []
    for model in apps.get_models():
        if not model.__module__.startswith("onward."):
            continue
        for term in model._meta.ordering:
            name = str(term).lstrip("-")
            if "__" in name:
                through_a_relation.append(f"{model._meta.label}: {term}")
                continue
            field = next((f for f in model._meta.get_fields() if f.name == name), None)
            if field is not None and field.is_relation and field.related_model._meta.ordering:
                through_a_relation.append(f"{model._meta.label}: {term}")
    assert through_a_relation == []


def test_a_history_of_one_young_person_is_read_without_a_join() -> None:
    from onward.people.models import EETSpell

    sql = str(EETSpell.objects.filter(person_id=1).query)
    assert "JOIN" not in sql and 'ORDER BY "people_eetspell"."person_id"' in sql
