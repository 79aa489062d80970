from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from governance.assemblies.models import (
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    Proxy,
    Resolution,
    ResolutionVote,
)
from governance.models import CooperativeSettings, Membership, MembershipStatus


def quorum_threshold(*, assembly: Assembly, coop: CooperativeSettings | None = None) -> Fraction:
    coop = coop or CooperativeSettings.load()
    percent: Decimal = {
        (AssemblyKind.ORDINARY, 1): coop.quorum_ordinary_first,
        (AssemblyKind.ORDINARY, 2): coop.quorum_ordinary_second,
        (AssemblyKind.EXTRAORDINARY, 1): coop.quorum_extraordinary_first,
        (AssemblyKind.EXTRAORDINARY, 2): coop.quorum_extraordinary_second,
    }[(assembly.kind, assembly.convocation)]
    return Fraction(percent) / 100


def active_proxies(*, assembly: Assembly) -> QuerySet[Proxy]:
    return Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True)


@dataclass(frozen=True)
class QuorumState:
    present: int
    represented: int
    with_voting_rights: int
    threshold: Fraction

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def ratio(self) -> float:
        return self.counted / self.with_voting_rights if self.with_voting_rights else 0.0

    @property
    def reached(self) -> bool:
        from governance.assemblies.counting import quorum_reached

        return quorum_reached(
            present_or_represented=self.counted,
            with_voting_rights=self.with_voting_rights,
            threshold=self.threshold,
        )


def assembly_quorum(*, assembly: Assembly) -> QuorumState:
    """Members present, plus members represented by a present holder, over the members
    with voting rights (frozen when the assembly opened, the current count before)."""
    present_ids = Attendance.objects.filter(assembly=assembly).values("membership_id")
    present = Attendance.objects.filter(assembly=assembly).count()
    represented = (
        active_proxies(assembly=assembly)
        .filter(holder_id__in=present_ids)
        .exclude(giver_id__in=present_ids)
        .count()
    )
    rights = assembly.members_with_voting_rights
    if rights is None:
        rights = Membership.objects.filter(status=MembershipStatus.MEMBER).count()
    return QuorumState(
        present=present,
        represented=represented,
        with_voting_rights=rights,
        threshold=quorum_threshold(assembly=assembly),
    )


def assembly_list(*, user=None) -> QuerySet[Assembly]:
    qs = Assembly.objects.exclude(status=AssemblyStatus.DRAFT).annotate(
        resolution_count=Count("resolutions")
    )
    return qs.order_by("-date")


def assembly_list_upcoming(*, user) -> QuerySet[Assembly]:
    """Convened or open assemblies, soonest first, with whether the person has already
    given a proxy for it (one query)."""
    qs = Assembly.objects.filter(
        status__in=[AssemblyStatus.CONVENED, AssemblyStatus.OPEN]
    ).order_by("date", "pk")
    if user is None or not user.is_authenticated:
        return qs
    return qs.annotate(
        proxy_given=Exists(
            Proxy.objects.filter(
                assembly=OuterRef("pk"), giver__user_id=user.pk, revoked_at__isnull=True
            )
        )
    )


def attendance_sheet(*, assembly: Assembly) -> QuerySet[Membership]:
    """Every member with voting rights, with whether they are present and who holds
    their proxy: one query, whatever the size of the cooperative."""
    proxies = active_proxies(assembly=assembly).filter(giver=OuterRef("pk"))
    return (
        Membership.objects.filter(status=MembershipStatus.MEMBER)
        .select_related("user", "college")
        .annotate(
            is_present=Exists(
                Attendance.objects.filter(assembly=assembly, membership=OuterRef("pk"))
            ),
            proxy_holder_id=proxies.values("holder_id")[:1],
            proxy_count=Count(
                "proxies_held",
                filter=Q(proxies_held__assembly=assembly, proxies_held__revoked_at__isnull=True),
            ),
        )
        .order_by("number")
    )


def voter_represented_members(*, assembly: Assembly, voter: Membership) -> list[Membership]:
    """The members this voter may vote for: themselves, then the givers of their proxies."""
    givers = list(
        Membership.objects.filter(
            proxies_given__assembly=assembly,
            proxies_given__holder=voter,
            proxies_given__revoked_at__isnull=True,
        ).select_related("user", "college")
    )
    return [voter, *givers]


def resolution_choice_counts(*, resolution: Resolution) -> list[dict]:
    """Yes / no / abstain per college: one aggregate query."""
    return list(
        ResolutionVote.objects.filter(resolution=resolution)
        .values("college_id")
        .annotate(
            yes=Count("id", filter=Q(choice="yes")),
            no=Count("id", filter=Q(choice="no")),
            abstain=Count("id", filter=Q(choice="abstain")),
        )
        .order_by("college_id")
    )


def last_closed_assembly() -> Assembly | None:
    return Assembly.objects.filter(status=AssemblyStatus.CLOSED).order_by("-date").first()
