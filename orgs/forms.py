"""Forms of the orgs pages: they parse and show input; services do the writes."""
from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DATE, TEXTAREA, StepForm
from grids.models import Grid

from . import models, selectors

Org = models.SocialOrganisation


class StreetChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Grid.objects.filter(level=Grid.Level.STREET).order_by("code"))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.name


class OrganisationForm(forms.ModelForm):
    street = StreetChoiceField(label=_("street/town"), required=False,
                               help_text=_("Required for community organisations (filed at the street)."))

    class Meta:
        model = Org
        fields = ["name", "kind", "field", "street", "purpose", "legal_representative", "contact_phone", "address",
                  "applied_on"]
        widgets = {"applied_on": DATE, "purpose": TEXTAREA}


class OrganisationActForm(StepForm):
    action = forms.CharField(widget=forms.HiddenInput)
    registration_number = forms.CharField(label=_("registration or filing number"), required=False, max_length=32,
                                          help_text=_("Unified social credit code; filings get one if left empty."))
    decided_on = forms.DateField(label=_("decided on"), required=False, widget=DATE)
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)

    STEP_FIELDS = {"approve": ["registration_number", "decided_on"], "reject": ["reason"], "activate": [],
                   "deregister": ["reason"]}


class OrganisationNumberField(forms.ModelChoiceField):
    """An organisation picked by its registration or filing number (thousands are too many for a list)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Org.objects.none())
        kwargs.setdefault("to_field_name", "registration_number")
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("help_text", _("Its registration or filing number, as on its page."))
        kwargs.setdefault("error_messages", {"invalid_choice": _("No organisation you can see has this number.")})
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(value.strip().upper() if isinstance(value, str) else value)


class ScopedOrganisationForm(forms.ModelForm):
    """A form whose ``organisation`` field accepts the organisations the user may see."""

    organisation = OrganisationNumberField(label=_("organisation"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Org.objects.visible_to(user).exclude(
            status__in=[Org.Status.DEREGISTERED, Org.Status.REJECTED])


class TenancyForm(ScopedOrganisationForm):
    class Meta:
        model = models.Tenancy
        fields = ["site", "organisation", "room", "area_m2", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class IncubationServiceForm(ScopedOrganisationForm):
    class Meta:
        model = models.IncubationService
        fields = ["site", "organisation", "kind", "provided_on", "hours", "note"]
        widgets = {"provided_on": DATE}


class ProjectForm(forms.ModelForm):
    street = StreetChoiceField(label=_("street/town served"), required=False)
    provider = OrganisationNumberField(label=pgettext_lazy("purchase project", "provider"))

    class Meta:
        model = models.PurchaseProject
        fields = ["code", "title", "item", "year", "budget", "provider", "street", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = models.CatalogueItem.objects.filter(active=True)
        self.fields["provider"].queryset = Org.objects.visible_to(user).filter(status__in=Org.STANDING)


class ProjectActForm(StepForm):
    action = forms.CharField(widget=forms.HiddenInput)
    acceptance_note = forms.CharField(label=_("acceptance note"), required=False, widget=TEXTAREA)
    assessment_score = forms.IntegerField(label=_("assessment score"), required=False, min_value=0, max_value=100)
    assessment_note = forms.CharField(label=_("assessment note"), required=False, widget=TEXTAREA)
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)

    STEP_FIELDS = {"start": [], "accept": ["acceptance_note"], "assess": ["assessment_score", "assessment_note"],
                   "terminate": ["reason"]}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = models.ProjectMilestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class AwardForm(ScopedOrganisationForm):
    class Meta:
        model = models.Award
        fields = ["year", "organisation", "title", "amount", "note"]


class ComplaintForm(ScopedOrganisationForm):
    class Meta:
        model = models.Complaint
        fields = ["organisation", "channel", "content", "complainant_name", "complainant_phone"]
        widgets = {"content": TEXTAREA}


class ComplaintActForm(StepForm):
    action = forms.CharField(widget=forms.HiddenInput)
    finding = forms.ChoiceField(label=_("finding"), required=False,
                                choices=[*BLANK_CHOICE_DASH, *models.Complaint.Finding.choices])
    measure = forms.ChoiceField(label=_("measure taken"), required=False,
                                choices=[*BLANK_CHOICE_DASH, *models.Complaint.Measure.choices])
    result = forms.CharField(label=_("result"), required=False, widget=TEXTAREA)

    STEP_FIELDS = {"investigate": [], "close": ["finding", "measure", "result"]}


class PublicReportForm(forms.ModelForm):
    """群众举报 from the disclosure page: the organisation is chosen from the public list."""

    organisation = forms.ModelChoiceField(queryset=selectors.public_organisations(), widget=forms.HiddenInput)
    complainant_phone = forms.RegexField(label=_("your phone (optional)"), regex=r"^[0-9+\- ]{7,20}$",
                                         required=False)

    class Meta:
        model = models.Complaint
        fields = ["organisation", "content", "complainant_name", "complainant_phone"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}
