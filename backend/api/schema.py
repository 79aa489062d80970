from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    """Names the nested ``InputSerializer``/``OutputSerializer`` of each API class after
    that class (``MemberListCreateApi.InputSerializer`` → ``MemberListCreateInput``), so
    the one-class-per-operation style never produces clashing schema components."""

    def get_serializer_name(self, serializer, direction) -> str:
        cls = serializer.__class__
        outer, _sep, inner = cls.__qualname__.rpartition(".")
        if outer and "<locals>" not in outer:
            return outer.replace(".", "").removesuffix("Api") + inner.removesuffix("Serializer")
        return cls.__name__


# The statuses any operation may answer with the one error shape of backend.api.errors:
# invalid input, authentication missing or invalid, permission, unknown object, a
# conflict with the current state, throttling. Documented on every operation so that
# clients (and the schema-driven fuzzing tests) know what to expect.
ERROR_STATUSES = {
    "400": "Invalid input.",
    "401": "Authentication missing or invalid.",
    "403": "Not allowed for this person.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (closed vote, credit limit...).",
    "415": "Unsupported media type.",
    "429": "Too many requests.",
}

ERROR_COMPONENT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code", "errors"],
}


def error_responses_hook(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error responses of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "content": {"application/json": {"schema": reference}},
                        "description": description,
                    },
                )
    return result
