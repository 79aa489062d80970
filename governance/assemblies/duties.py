"""The « take part in the general assembly » duty, once assemblies exist."""

from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.assemblies.models import Attendance, Proxy
from governance.assemblies.selectors import last_closed_assembly
from governance.duties import Duty, DutyPart, duty_register


def _took_part_in_last_assembly(_coop) -> object:
    assembly = last_closed_assembly()
    if assembly is None:
        return Value(None, output_field=BooleanField())
    took_part = ExpressionWrapper(
        Q(Exists(Attendance.objects.filter(assembly=assembly, membership=OuterRef("pk"))))
        | Q(
            Exists(
                Proxy.objects.filter(
                    assembly=assembly, giver=OuterRef("pk"), revoked_at__isnull=True
                )
            )
        ),
        output_field=BooleanField(),
    )
    # Who joined after that assembly could not take part in it.
    return Case(
        When(Q(joined_on__gt=timezone.localtime(assembly.date).date()), then=Value(None)),
        default=took_part,
        output_field=BooleanField(),
    )


def register() -> None:
    from governance.representative.duties import took_part_in_last_election

    duty_register(
        Duty(
            code="assembly",
            label=_("Take part in the general assembly (or give a proxy)"),
            next_step=_("Attend the next general assembly, or give your proxy to another member."),
            expression=_took_part_in_last_assembly,
            url_name="governance:assembly_list",
            # Duty 3 has two halves: the last general assembly, and the last election of
            # the representative of the community (for the members of its college).
            parts=(
                DutyPart(
                    code="general_assembly",
                    missing=_(
                        "You did not take part in the last general assembly (nor gave a proxy)."
                    ),
                    expression=_took_part_in_last_assembly,
                    url_name="governance:assembly_list",
                ),
                DutyPart(
                    code="representative",
                    missing=_(
                        "You did not vote in the last election of the representative of the "
                        "community."
                    ),
                    expression=took_part_in_last_election,
                    url_name="governance:representative",
                ),
            ),
        )
    )
