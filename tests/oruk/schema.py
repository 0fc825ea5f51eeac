"""Checks a feed answer against the copy of the ORUK 3.0 schema in ``onward/oruk/schema/`` (offline).

``check(document, entity)`` validates one record, ``check_page(document, entity)`` a paged list, each
with ``jsonschema`` (formats such as uuid and email checked). Beyond the schema, which allows any
extra field, it also fails on a field the schema does not define, and on a null or empty value (ORUK
asks for optional fields without a value to be left out).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "onward" / "oruk" / "schema"
BASE = "https://openreferraluk.org/specifications/3.0/schemata/"


def _load() -> tuple[dict[str, dict[str, Any]], Registry]:
    schemata: dict[str, dict[str, Any]] = {}
    registry: Registry = Registry()
    for path in sorted((SCHEMA_DIR / "schemata").glob("*.json")):
        contents = json.loads(path.read_text())
        contents["$id"] = BASE + path.name
        schemata[path.stem] = contents
        registry = registry.with_resource(BASE + path.name, Resource.from_contents(contents, DRAFT202012))
    return schemata, registry


SCHEMATA, REGISTRY = _load()
OPENAPI = json.loads((SCHEMA_DIR / "openapi.json").read_text())
PAGE = OPENAPI["components"]["schemas"]["Page"]
PAGE_FIELDS = [*PAGE["properties"], "contents"]


def _validate(schema: dict[str, Any], document: Any) -> None:
    Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker()).validate(document)


def _strict(document: Any, schema: dict[str, Any], where: str) -> None:
    """Every field is one the schema defines, with a value, and dates and URIs are well formed."""
    if "$ref" in schema:
        schema = SCHEMATA[schema["$ref"].removesuffix(".json")]
    if isinstance(document, dict):
        properties = schema.get("properties", {})
        for key, value in document.items():
            assert key in properties, f"{where}.{key} is not an ORUK field"
            assert value not in (None, "", [], {}), f"{where}.{key} is empty: leave it out"
            _strict(value, properties[key], f"{where}.{key}")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            _strict(item, schema.get("items", {}), f"{where}[{index}]")
    elif isinstance(document, str) and schema.get("format") == "date-time":
        datetime.datetime.fromisoformat(document)
    elif isinstance(document, str) and schema.get("format") == "uri":
        assert urlparse(document).scheme in ("http", "https"), f"{where} is not a URI"


def check(document: Any, entity: str) -> None:
    """``document`` is a valid ORUK ``entity`` (service, taxonomy, taxonomy_term ...)."""
    _validate({"$ref": BASE + entity + ".json"}, document)
    _strict(document, SCHEMATA[entity], entity)


def check_page(document: Any, entity: str) -> None:
    """``document`` is ORUK's paging envelope with every field, its contents valid ``entity`` records."""
    schema = {
        "allOf": [PAGE],
        "required": PAGE_FIELDS,
        "properties": {"contents": {"type": "array", "items": {"$ref": BASE + entity + ".json"}}},
    }
    _validate(schema, document)
    assert set(document) == set(PAGE_FIELDS)
    for index, item in enumerate(document["contents"]):
        _strict(item, SCHEMATA[entity], f"contents[{index}]")


def check_root(document: Any) -> None:
    """The answer of ``/``: the API's meta information as the OpenAPI document defines it."""
    schema = OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    _validate({**schema, "required": list(schema["properties"]), "additionalProperties": False}, document)
    _strict(document, schema, "root")
