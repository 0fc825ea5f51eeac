"""SCIM 2.0 provisioning (RFC 7643 and RFC 7644), the Users resource, one organisation per token (ADR 24).

The subset a directory such as Microsoft Entra ID uses: create, read, list with the filter
``userName eq "..."`` and paging, replace (PUT), modify (PATCH), and delete, which deactivates (a
user is never removed from Onward: the audit trail refers to them). The team is the extension
attribute ``team`` of :data:`TEAM_SCHEMA`. Roles are not provisioned: they stay Onward's, granted by
the organisation's administrator.

Each request carries a bearer token that names one organisation; it sees and changes that
organisation's users only, and every change is in that organisation's audit trail.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from onward.accounts import services
from onward.accounts.models import ScimToken, User

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
TEAM_SCHEMA = "urn:onward:params:scim:schemas:extension:team:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONTENT_TYPE = "application/scim+json"
MAX_PAGE = 100
MAX_BODY_BYTES = 64 * 1024
FILTER = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def _json(data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(status: int, detail: str, scim_type: str = "") -> HttpResponse:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="Onward SCIM"'} if status == 401 else None
    return _json(body, status, headers)


def _token(request: HttpRequest) -> ScimToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip() or len(value) > 200:
        return None
    token = (
        ScimToken.objects.select_related("organisation")
        .filter(token_hash=services.scim_token_hash(value.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def _location(request: HttpRequest, user: User) -> str:
    return request.build_absolute_uri(reverse("accounts:scim-user", kwargs={"scim_id": str(user.pk)}))


def resource(request: HttpRequest, user: User) -> dict[str, Any]:
    """A user as a SCIM User resource (RFC 7643 section 4.1), with the team extension."""
    teams = [team.name for team in user.teams.all()]
    data: dict[str, Any] = {
        "schemas": [USER_SCHEMA, TEAM_SCHEMA],
        "id": str(user.pk),
        "userName": user.email,
        "name": {"givenName": user.given_name, "familyName": user.family_name},
        "displayName": user.full_name,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": user.is_active,
        TEAM_SCHEMA: {"team": teams[0] if teams else ""},
        "meta": {
            "resourceType": "User",
            "created": user.date_joined.isoformat(),
            "location": _location(request, user),
            "version": f'W/"{user.version}"',
        },
    }
    if user.job_title:
        data["title"] = user.job_title
    if user.scim_external_id:
        data["externalId"] = user.scim_external_id
    return data


class BadRequest(Exception):
    def __init__(self, detail: str, scim_type: str = "invalidValue") -> None:
        super().__init__(detail)
        self.detail = detail
        self.scim_type = scim_type


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest("The request is too large", "tooMany")
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest("The body is not JSON", "invalidSyntax") from error
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object", "invalidSyntax")
    return data


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None:
        if required:
            raise BadRequest(f"{name} is required")
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise BadRequest(f"{name} must be a string")
    if required and not value.strip():
        raise BadRequest(f"{name} is required")
    return value


def _boolean(value: Any) -> bool:
    """SCIM booleans; some directories (Entra ID) send "True" and "False" as strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadRequest("active must be true or false")


def _directory_user(data: dict[str, Any]) -> services.DirectoryUser:
    """A full representation (POST, PUT) as the directory's view of a user."""
    raw_name, raw_emails, raw_extension = data.get("name"), data.get("emails"), data.get(TEAM_SCHEMA)
    name: dict[str, Any] = raw_name if isinstance(raw_name, dict) else {}
    emails: list[Any] = raw_emails if isinstance(raw_emails, list) else []
    extension: dict[str, Any] | None = raw_extension if isinstance(raw_extension, dict) else None
    user_name = _text(data.get("userName"), "userName", required=True).strip()
    if "@" not in user_name:
        primary = [e.get("value") for e in emails if isinstance(e, dict) and e.get("primary")]
        user_name = _text(primary[0] if primary else None, "a primary email", required=True).strip()
    return services.DirectoryUser(
        email=user_name,
        given_name=_text(name.get("givenName"), "name.givenName", required=True),
        family_name=_text(name.get("familyName"), "name.familyName", required=True),
        job_title=_text(data.get("title"), "title"),
        active=_boolean(data.get("active", True)),
        external_id=_text(data.get("externalId"), "externalId"),
        team=_text(extension.get("team"), "team") if extension is not None else None,
    )


def _current(user: User) -> services.DirectoryUser:
    return services.DirectoryUser(
        email=user.email,
        given_name=user.given_name,
        family_name=user.family_name,
        job_title=user.job_title,
        active=user.is_active,
        external_id=user.scim_external_id,
        team=None,
    )


PATCH_PATHS = {
    "active": "active",
    "username": "email",
    "name.givenname": "given_name",
    "name.familyname": "family_name",
    "title": "job_title",
    "externalid": "external_id",
    f"{TEAM_SCHEMA}:team".lower(): "team",
}


def _apply_patch(user: User, data: dict[str, Any]) -> services.DirectoryUser:
    """RFC 7644 section 3.5.2: add and replace operations on the attributes above (remove clears text)."""
    if PATCH_SCHEMA not in (data.get("schemas") or []):
        raise BadRequest("A PATCH body is a PatchOp message", "invalidSyntax")
    operations = data.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise BadRequest("Operations are required", "invalidSyntax")
    changed = _current(user)
    for operation in operations:
        if not isinstance(operation, dict):
            raise BadRequest("Each operation is an object", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise BadRequest(f"Unsupported operation {operation.get('op')!r}", "invalidSyntax")
        path = operation.get("path")
        value = operation.get("value")
        if path is None:
            if op == "remove" or not isinstance(value, dict):
                raise BadRequest("An operation without a path needs an object value", "noTarget")
            pairs = _flatten(value)
        else:
            pairs = [(str(path), None if op == "remove" else value)]
        for attribute, attribute_value in pairs:
            field = PATCH_PATHS.get(attribute.lower())
            if field is None:
                raise BadRequest(f"Onward does not accept changes to {attribute!r}", "invalidPath")
            if field == "active":
                if attribute_value is None:
                    raise BadRequest("active cannot be removed", "mutability")
                changed.active = _boolean(attribute_value)
            elif field == "team":
                changed.team = "" if attribute_value is None else _text(attribute_value, "team")
            elif field in ("email", "given_name", "family_name") and attribute_value is None:
                raise BadRequest(f"{attribute} cannot be removed", "mutability")
            else:
                setattr(changed, field, "" if attribute_value is None else _text(attribute_value, attribute))
    return changed


def _flatten(value: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, item in value.items():
        if key == TEAM_SCHEMA and isinstance(item, dict):
            pairs.extend((f"{TEAM_SCHEMA}:{inner}", inner_value) for inner, inner_value in item.items())
        elif key == "name" and isinstance(item, dict):
            pairs.extend((f"name.{inner}", inner_value) for inner, inner_value in item.items())
        else:
            pairs.append((key, item))
    return pairs


def _validation_detail(error: ValidationError) -> str:
    return "; ".join(error.messages)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest(f"{name} must be a whole number", "invalidValue")
    return int(raw)


@csrf_exempt
@login_not_required
def users(request: HttpRequest) -> HttpResponse:
    """``/scim/v2/Users``: list (GET, with ``filter=userName eq "..."``) and create (POST)."""
    token = _token(request)
    if token is None:
        return _error(401, "A valid provisioning token is required")
    try:
        if request.method == "GET":
            return _list(request, token)
        if request.method == "POST":
            try:
                created = services.directory_user_create(token=token, data=_directory_user(_body(request)))
            except ValidationError as error:
                taken = "email" in getattr(error, "error_dict", {}) and "already exists" in str(error)
                return _error(
                    409 if taken else 400, _validation_detail(error), "uniqueness" if taken else "invalidValue"
                )
            return _json(resource(request, created), 201, {"Location": _location(request, created)})
    except BadRequest as bad:
        return _error(400, bad.detail, bad.scim_type)
    return _error(405, "Use GET or POST")


def _list(request: HttpRequest, token: ScimToken) -> HttpResponse:
    found = User.objects.filter(organisation=token.organisation).prefetch_related("teams").order_by("pk")
    query = request.GET.get("filter", "")
    if query:
        match = FILTER.match(query)
        if match is None:
            raise BadRequest('Onward supports the filter userName eq "..." only', "invalidFilter")
        found = found.filter(email__iexact=match.group(1).replace('\\"', '"'))
    start = max(_int_param(request, "startIndex", 1), 1)
    count = min(_int_param(request, "count", MAX_PAGE), MAX_PAGE)
    total = found.count()
    page = list(found[start - 1 : start - 1 + count])
    return _json(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [resource(request, user) for user in page],
        }
    )


@csrf_exempt
@login_not_required
def user(request: HttpRequest, scim_id: str) -> HttpResponse:
    """``/scim/v2/Users/<id>``: read, replace (PUT), modify (PATCH), delete (deactivates)."""
    token = _token(request)
    if token is None:
        return _error(401, "A valid provisioning token is required")
    subject = (
        User.objects.filter(organisation=token.organisation, pk=int(scim_id)).prefetch_related("teams").first()
        if scim_id.isdigit() and len(scim_id) < 12
        else None
    )
    if subject is None:
        return _error(404, "No such user in this organisation")
    try:
        if request.method == "GET":
            return _json(resource(request, subject))
        if request.method == "PUT":
            data = _directory_user(_body(request))
        elif request.method == "PATCH":
            data = _apply_patch(subject, _body(request))
        elif request.method == "DELETE":
            data = _current(subject)
            data.active = False
        else:
            return _error(405, "Use GET, PUT, PATCH or DELETE")
        try:
            changed = services.directory_user_update(token=token, user=subject, data=data)
        except ValidationError as error:
            taken = "already exists" in str(error)
            return _error(409 if taken else 400, _validation_detail(error), "uniqueness" if taken else "invalidValue")
    except BadRequest as bad:
        return _error(400, bad.detail, bad.scim_type)
    if request.method == "DELETE":
        return HttpResponse(status=204)
    changed = User.objects.prefetch_related("teams").get(pk=changed.pk)
    return _json(resource(request, changed))
