from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred_web.wallet.importing import MAX_IMPORT_BYTES


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("Credential file"),
        help_text=_("Open Badges 3.0 JSON, a VC-JWT, or a baked PNG/SVG badge (OB 3.0 or 2.0)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jwt,.txt,.png,.svg"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class ImportUrlForm(forms.Form):
    url = forms.URLField(
        label=_("Address of a hosted Open Badges 2.0 assertion"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Only https addresses on the public internet are fetched."),
    )


class EmailShareForm(forms.Form):
    to = forms.EmailField(label=_("Send to (e-mail address)"))
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Who is this link for? (only you see this)"), required=False, max_length=120
    )


class ProfileForm(forms.Form):
    handle = forms.CharField(
        label=_("Profile address"),
        required=False,
        max_length=40,
        help_text=_("Your public page will be /u/<address>/. Leave empty for no public page."),
    )
    headline = forms.CharField(label=_("Headline"), required=False, max_length=160)
