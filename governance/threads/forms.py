from django import forms
from django.utils.translation import gettext_lazy as _

from governance.threads.services import ATTACHMENT_EXTENSIONS, BODY_MAX, SUBJECT_MAX

_ACCEPT = ",".join(f".{e}" for e in ATTACHMENT_EXTENSIONS)


class ThreadForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Your message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
        help_text=_("PDF, image, text or office document, 5 MB at most."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
