"""The projects API under /api/v1/projects/: thin views over the services and selectors."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from governance.api import IsCoordinator
from pioneers.models import Theme
from projects import selectors, services
from projects.markdown import render_markdown
from projects.models import Project, ProjectStatus, RankingSnapshot
from projects.selectors import needed_skills_text_split, skills_by_name
from projects.services.needs import MAX_NEED_MINUTES, MAX_NEEDS, NeedInput
from projects.services.ranking import Move

# ---------------------------------------------------------------- outputs


class AuthorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NeedOutput(serializers.Serializer):
    skill = serializers.CharField(source="skill.name")
    skill_slug = serializers.CharField(source="skill.slug")
    hours_wanted = serializers.SerializerMethodField()
    hours_given = serializers.SerializerMethodField()
    minutes_wanted = serializers.IntegerField()
    minutes_given = serializers.IntegerField(source="given_minutes")
    note = serializers.CharField()

    def get_hours_wanted(self, obj) -> float:
        return round(obj.minutes_wanted / 60, 2)

    def get_hours_given(self, obj) -> float:
        return round(obj.given_minutes / 60, 2)


class NeedInputSerializer(serializers.Serializer):
    skill = serializers.CharField(max_length=80, help_text=_("A skill's name or slug."))
    hours_wanted = serializers.IntegerField(min_value=1, max_value=MAX_NEED_MINUTES // 60)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    status = serializers.CharField(
        help_text="draft, submitted, in_review, accepted_for_vote, declined, returned, selected, not_selected, in_progress, completed or abandoned"
    )
    status_label = serializers.CharField(source="get_status_display")
    estimated_cost_cents = serializers.IntegerField()
    self_financing_cents = serializers.IntegerField()
    self_financing_note = serializers.CharField()
    currency = serializers.SerializerMethodField()
    needed_skills = serializers.ListField(child=serializers.CharField(), source="skills_list")
    needs = NeedOutput(many=True, source="needs.all")
    needs_note = serializers.CharField()
    needed_minutes = serializers.IntegerField()
    concern_count = serializers.IntegerField()
    concern_share = serializers.FloatField()
    concerned = serializers.SerializerMethodField()
    authors = AuthorOutput(many=True, source="authors.all")
    themes = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_description_html(self, obj: Project) -> str:
        return render_markdown(obj.description)

    def get_currency(self, obj: Project) -> str:
        return "EUR"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, obj: Project) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    def get_concerned(self, obj: Project) -> bool | None:
        """Whether the person asking flagged the project (null when anonymous)."""
        return getattr(obj, "concerned", None)


class RankingEntryOutput(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    title = serializers.CharField(source="project.title")
    status = serializers.CharField(source="project.status")
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    criteria = serializers.DictField(child=serializers.DictField(child=serializers.FloatField()))
    moved = serializers.BooleanField()
    justification = serializers.CharField()


class WeightsSerializer(serializers.Serializer):
    concern = serializers.IntegerField(min_value=0, max_value=100)
    cost = serializers.IntegerField(min_value=0, max_value=100)
    self_financing = serializers.IntegerField(min_value=0, max_value=100)
    extra = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        required=False,
        help_text=_(
            "weights of optional criteria by key (e.g. compass: the observatory's compass "
            "score); 0 or absent leaves one out"
        ),
    )


class RankingSnapshotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    weights = serializers.SerializerMethodField()
    active_pioneers = serializers.IntegerField()
    note = serializers.CharField()
    entries = RankingEntryOutput(many=True, source="entries.all")

    @extend_schema_field(WeightsSerializer)
    def get_weights(self, obj: RankingSnapshot) -> dict[str, int]:
        return {
            "concern": obj.weight_concern,
            "cost": obj.weight_cost,
            "self_financing": obj.weight_self_financing,
            "extra": obj.extra_weights or {},
        }


def _project_data(request: Request, project_id: int) -> dict:
    return ProjectOutput(selectors.project_get(user=request.user, pk=project_id)).data


def _visible_project(request: Request, pk: int) -> Project:
    return get_object_or_404(selectors.project_visible_to(request.user), pk=pk)


# ---------------------------------------------------------------- projects


class ProjectInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description = serializers.CharField(max_length=50_000, required=False, allow_blank=True)
    estimated_cost_cents = serializers.IntegerField(min_value=0, max_value=10**12, required=False)
    self_financing_cents = serializers.IntegerField(min_value=0, max_value=10**12, required=False)
    self_financing_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    needed_skills = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=30, required=False,
        help_text=_("The former comma list: known skills become needs of one hour, "
                    "the other names go to needs_note. Prefer needs."),
    )  # fmt: skip
    needs = NeedInputSerializer(many=True, required=False, max_length=MAX_NEEDS)
    needs_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    needed_minutes = serializers.IntegerField(min_value=0, max_value=10**7, required=False)
    authors = serializers.ListField(
        child=serializers.IntegerField(), max_length=20, required=False,
        help_text=_("Ids of the co-authors (active members); you are always an author."),
    )  # fmt: skip
    themes = serializers.ListField(
        child=serializers.SlugField(), max_length=20, required=False,
        help_text=_("Slugs of the project's themes."),
    )  # fmt: skip

    def validate_themes(self, value: list[str]) -> list[Theme]:
        themes = list(Theme.objects.filter(slug__in=value))
        if len(themes) != len(set(value)):
            raise serializers.ValidationError(_("Unknown theme."))
        return themes

    def validate_needs(self, value: list[dict]) -> list[NeedInput]:
        found, unknown = skills_by_name(row["skill"] for row in value)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown skill: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return [
            NeedInput(
                skill=found[" ".join(row["skill"].split())],
                minutes_wanted=row["hours_wanted"] * 60,
                note=row.get("note", ""),
            )
            for row in value
        ]

    def validate(self, attrs: dict) -> dict:
        """The former ``needed_skills`` list goes the way the data migration went: known
        skills become needs (one hour, unless ``needs`` names them), the rest the note."""
        legacy = attrs.pop("needed_skills", None)
        if legacy is None:
            return attrs
        skills, leftover = needed_skills_text_split(
            ", ".join(name.replace(",", " ") for name in legacy)
        )
        needs = list(attrs.get("needs") or [])
        listed = {row.skill.pk for row in needs}
        needs += [NeedInput(skill=s, minutes_wanted=60) for s in skills if s.pk not in listed]
        attrs["needs"] = needs
        if "needs_note" not in attrs:
            attrs["needs_note"] = leftover
        elif leftover:
            attrs["needs_note"] = f"{attrs['needs_note']}, {leftover}".strip(", ")
        if len(attrs["needs_note"]) > 500:
            raise serializers.ValidationError({"needs_note": [_("Too many skills.")]})
        return attrs

    def validate_authors(self, value: list[int]) -> list[User]:
        people = list(User.objects.filter(pk__in=value))
        if len(people) != len(set(value)):
            raise serializers.ValidationError(_("Unknown person."))
        return people


class ProjectListCreateApi(APIView):
    """Projects visible to the person asking (drafts only to their authors); members propose."""

    # The schema shows the paginated page these views answer with.
    pagination_class = PageNumberPagination

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ProjectStatus.values),
            OpenApiParameter("author", int, description=_("id of an author")),
            OpenApiParameter("theme", str, description=_("slug of a theme")),
        ],
        responses=ProjectOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status") or None
        if status_filter and status_filter not in ProjectStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        author = request.query_params.get("author") or None
        if author is not None and not author.isdigit():
            raise serializers.ValidationError({"author": [_("An author is given by their id.")]})
        theme = request.query_params.get("theme") or None
        if theme is not None and not Theme.objects.filter(slug=theme).exists():
            raise serializers.ValidationError({"theme": [_("Unknown theme.")]})
        qs = selectors.project_list(
            user=request.user,
            status=status_filter,
            author_id=int(author) if author else None,
            theme=theme,
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ProjectOutput(page, many=True).data)

    @extend_schema(
        request=ProjectInput,
        responses={201: ProjectOutput},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = ProjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        co_authors = values.pop("authors", [])

        def run() -> Response:
            project = services.project_create(actor=request.user, co_authors=co_authors, **values)
            return Response(_project_data(request, project.pk), status=status.HTTP_201_CREATED)

        return idempotent_response(request, scope="projects.create", run=run)


class ProjectDetailApi(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=ProjectOutput)
    def get(self, request: Request, pk: int) -> Response:
        _visible_project(request, pk)
        return Response(_project_data(request, pk))

    @extend_schema(request=ProjectInput(partial=True), responses=ProjectOutput)
    def patch(self, request: Request, pk: int) -> Response:
        project = _visible_project(request, pk)
        data = ProjectInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        co_authors = values.pop("authors", None)
        services.project_update(
            actor=request.user, project=project, co_authors=co_authors, **values
        )
        return Response(_project_data(request, pk))


class ProjectTransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=ProjectStatus.choices)
        reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=ProjectOutput)
    def post(self, request: Request, pk: int) -> Response:
        project = _visible_project(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_transition(
            actor=request.user,
            project=project,
            to=data.validated_data["to"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(_project_data(request, pk))


class ConcernOutput(serializers.Serializer):
    concerned = serializers.BooleanField()
    concern_count = serializers.IntegerField()
    concern_share = serializers.FloatField()


class ProjectConcernApi(APIView):
    """POST: "this project concerns me" (once); DELETE: withdraw it."""

    permission_classes = [IsAuthenticated]

    def _answer(self, pk: int, concerned: bool, code: int) -> Response:
        project = Project.objects.only("concern_count", "concern_share").get(pk=pk)
        return Response(
            {
                "concerned": concerned,
                "concern_count": project.concern_count,
                "concern_share": project.concern_share,
            },
            status=code,
        )

    @extend_schema(request=None, responses={200: ConcernOutput, 201: ConcernOutput})
    def post(self, request: Request, pk: int) -> Response:
        project = _visible_project(request, pk)
        _flag, created = services.concern_flag(actor=request.user, project=project)
        return self._answer(pk, True, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=ConcernOutput)
    def delete(self, request: Request, pk: int) -> Response:
        project = _visible_project(request, pk)
        services.concern_unflag(actor=request.user, project=project)
        return self._answer(pk, False, status.HTTP_200_OK)


# ---------------------------------------------------------------- ranking


class MoveSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    rank = serializers.IntegerField(min_value=1)
    justification = serializers.CharField(max_length=5000)


class RankingApi(APIView):
    """GET: the latest published ranking; POST (coordinator): publish a new one."""

    class InputSerializer(serializers.Serializer):
        weights = WeightsSerializer()
        note = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
        moves = MoveSerializer(many=True, required=False)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsCoordinator()]

    @extend_schema(responses=RankingEntryOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(selectors.ranking_latest_rows())

    @extend_schema(request=InputSerializer, responses={201: RankingSnapshotOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        weights = data.validated_data["weights"]
        snapshot = services.ranking_publish(
            actor=request.user,
            weight_concern=weights["concern"],
            weight_cost=weights["cost"],
            weight_self_financing=weights["self_financing"],
            extra_weights=weights.get("extra") or {},
            note=data.validated_data.get("note", ""),
            moves=[
                Move(project_id=m["project"], rank=m["rank"], justification=m["justification"])
                for m in data.validated_data.get("moves", [])
            ],
        )
        snapshot = selectors.ranking_get(pk=snapshot.pk)
        return Response(RankingSnapshotOutput(snapshot).data, status=status.HTTP_201_CREATED)


class RankingHistoryApi(APIView):
    """Every published ranking, newest first, with its weights and note."""

    # The schema shows the paginated page these views answer with.
    pagination_class = PageNumberPagination

    permission_classes = [AllowAny]

    @extend_schema(responses=RankingSnapshotOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.ranking_history()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RankingSnapshotOutput(page, many=True).data)
