"""Forms of the patrol pages; the services' refusals land on their fields (``core.pages.run_service``)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from grids.models import Grid


class StartForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid to patrol"), queryset=Grid.objects.none(), to_field_name="code",
                                  empty_label=None)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class CheckInForm(forms.Form):
    point = forms.ChoiceField(label=_("Patrol point"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "here-lat"}))
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "here-lng"}))
    accuracy_m = forms.FloatField(required=False, min_value=0, max_value=100_000,
                                  widget=forms.HiddenInput(attrs={"class": "here-accuracy"}))
    note = forms.CharField(label=_("What you saw (optional)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [("", _("On the way (no point)")),
                                        *((str(point.pk), point.name) for point in points)]


class EndForm(forms.Form):
    summary = forms.CharField(label=_("Summary (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
