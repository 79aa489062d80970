from rest_framework.metadata import SimpleMetadata


class OperationMetadata(SimpleMetadata):
    """``OPTIONS`` answers with the view's name, description, renderers and parsers.

    DRF's default also describes the POST/PUT serializer by calling ``get_serializer()``,
    which the one-class-per-operation views (nested Input/Output serializers, no
    ``serializer_class``) do not provide: it failed with a 500. The OpenAPI schema at
    /api/schema/ is where the fields are described."""

    def determine_metadata(self, request, view) -> dict:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request, view) -> dict:
        return {}
