"""/api/v1/: the NinjaAPI, its token authentication, problem details and its OpenAPI document (ADR 27)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from onward.api.http import PROBLEM_TYPE, TokenAuth, install_handlers
from onward.api.routes import router

DESCRIPTION = """Onward's open API: young people and their histories, referrals as a partner sees them,
opportunities and applications, indicators, and the statutory files. Every call acts as the user
its token was made for and sees exactly what that user sees on the pages. Errors are RFC 9457
problem details. See docs/api.md."""


class OnwardAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are documented as ``application/problem+json``, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        answer["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = OnwardAPI(
    title="Onward API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/", router)
