"""The minutes (procès-verbal) of an assembly, as data, and as a PDF."""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from governance.assemblies import selectors
from governance.assemblies.models import Assembly, Proxy, Resolution
from governance.models import CooperativeSettings, Membership


@dataclass
class Minutes:
    coop: CooperativeSettings
    assembly: Assembly
    present: list[Membership]
    proxies: list[Proxy]
    quorum: selectors.QuorumState
    resolutions: list[Resolution]


def assembly_minutes(*, assembly: Assembly) -> Minutes:
    present = list(
        Membership.objects.filter(attendances__assembly=assembly)
        .select_related("user", "college")
        .order_by("number")
    )
    proxies = list(
        selectors.active_proxies(assembly=assembly)
        .select_related("giver__user", "holder__user")
        .order_by("giver__number")
    )
    return Minutes(
        coop=CooperativeSettings.load(),
        assembly=assembly,
        present=present,
        proxies=proxies,
        quorum=selectors.assembly_quorum(assembly=assembly),
        resolutions=list(assembly.resolutions.order_by("position")),
    )


# The PDF core fonts speak Latin-1: typographic signs outside it get a plain equivalent.
_PLAIN = str.maketrans(
    {
        "’": "'",
        "—": "-",
        "–": "-",
        "œ": "oe",
        "Œ": "OE",
        "€": "EUR",
        "…": "...",
        "“": '"',
        "”": '"',
        "\u202f": " ",
        "\u00a0": " ",
    }
)


def _latin1(text: str) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def minutes_pdf(minutes: Minutes) -> bytes:
    a = minutes.assembly
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(_("Minutes — %(title)s") % {"title": a.title}))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def line(text: str) -> None:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading(_("Minutes of the general assembly"), 16)
    heading(f"{minutes.coop.name} — {minutes.coop.get_legal_form_display()}", 11)
    line(f"{a.title} · {a.get_kind_display()} · {a.get_convocation_display()}")
    line(
        _("Date: %(date)s")
        % {"date": formats.date_format(timezone.localtime(a.date), "DATETIME_FORMAT")}
    )
    if a.place:
        line(_("Place: %(place)s") % {"place": a.place})
    if a.convened_on:
        line(_("Convened on %(date)s") % {"date": formats.date_format(a.convened_on)})
    pdf.ln(3)

    q = minutes.quorum
    heading(_("Attendance and quorum"))
    line(
        _(
            "%(present)d members present, %(represented)d represented, out of %(total)d members "
            "with voting rights (%(ratio).1f %%); quorum required: %(needed)s %%: %(state)s."
        )
        % {
            "present": q.present,
            "represented": q.represented,
            "total": q.with_voting_rights,
            "ratio": q.ratio * 100,
            "needed": f"{float(q.threshold) * 100:g}",
            "state": _("reached") if q.reached else _("not reached"),
        }
    )
    line(
        _("Present: %(names)s")
        % {"names": ", ".join(m.display_name for m in minutes.present) or "-"}
    )
    for proxy in minutes.proxies:
        line(
            _("%(giver)s is represented by %(holder)s.")
            % {"giver": proxy.giver.display_name, "holder": proxy.holder.display_name}
        )
    pdf.ln(3)

    heading(_("Resolutions"))
    for r in minutes.resolutions:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin1(f"{r.position}. {r.title}"), new_x="LMARGIN", new_y="NEXT")
        line(r.text)
        if r.result:
            line(
                _("Required: %(majority)s. Weighted yes: %(yes).2f %%. %(outcome)s.")
                % {
                    "majority": r.get_majority_display(),
                    "yes": r.weighted_yes * 100,
                    "outcome": _("Adopted") if r.adopted else _("Rejected"),
                }
            )
            for c in r.result["colleges"]:
                line(
                    "  - "
                    + _(
                        "%(college)s (weight %(weight)s %%): %(yes)d yes, %(no)d no, "
                        "%(abstain)d abstentions"
                    )
                    % {
                        "college": c["college"],
                        "weight": f"{c['weight']:g}" if c["weight"] is not None else "-",
                        "yes": c["yes"],
                        "no": c["no"],
                        "abstain": c["abstain"],
                    }
                )
        else:
            line(_("Not put to the vote."))
        pdf.ln(2)
    return bytes(pdf.output())
