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
