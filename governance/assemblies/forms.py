from django import forms
from django.utils.translation import gettext_lazy as _

from backend.core.uploads import UploadRejected, extension_of, upload_check_content
from governance.assemblies.models import AssemblyKind, Majority, VoteChoice
from governance.models import Membership, MembershipStatus


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AssemblyKind.choices)
    convocation = forms.TypedChoiceField(
        label=_("Convocation"),
        coerce=int,
        choices=[(1, _("First convocation")), (2, _("Second convocation"))],
    )
    date = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False)
    description = forms.CharField(
        label=_("Presentation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    convened_on = forms.DateField(
        label=_("Convened on (only to record an assembly held in the past)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    majority = forms.ChoiceField(label=_("Required majority"), choices=Majority.choices)


DOCUMENT_EXTENSIONS = ["pdf", "odt", "docx", "txt", "md"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, ODT, DOCX, TXT, MD; 10 MB at most)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        extension = extension_of(upload.name)
        if extension not in DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                _("This type of file is not accepted (allowed: %(types)s).")
                % {"types": ", ".join(DOCUMENT_EXTENSIONS)}
            )
        # The content must be what the name says: a script renamed .pdf is refused.
        try:
            upload_check_content(upload, extension=extension, max_bytes=DOCUMENT_MAX_BYTES)
        except UploadRejected as exc:
            if exc.code == "too_large":
                raise forms.ValidationError(_("The file is larger than 10 MB.")) from None
            raise forms.ValidationError(_("The file's content does not match its type.")) from None
        return upload


def _members():
    return (
        Membership.objects.filter(status=MembershipStatus.MEMBER)
        .select_related("user")
        .order_by("number")
    )


class ProxyForm(forms.Form):
    holder = forms.ModelChoiceField(queryset=Membership.objects.none(), label=_("Give my proxy to"))

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = _members()
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["holder"].queryset = qs
        self.fields["holder"].label_from_instance = lambda m: f"{m.display_name} (n° {m.number})"


class AttendanceForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Membership.objects.none(), label=_("Member"))
    status = forms.ChoiceField(
        label=_("Status"), choices=[("present", _("Present")), ("represented", _("Represented"))]
    )
    proxy_holder = forms.ModelChoiceField(
        queryset=Membership.objects.none(), required=False, label=_("Proxy holder (if represented)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members()
        self.fields["proxy_holder"].queryset = _members()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == "represented" and not cleaned.get("proxy_holder"):
            self.add_error("proxy_holder", _("Say who holds the proxy of a represented member."))
        return cleaned


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=VoteChoice.choices, widget=forms.RadioSelect)
    on_behalf_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
