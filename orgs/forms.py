"""Forms of the orgs pages: they parse and show input; services do the writes."""
from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DATE, TEXTAREA, StepForm
from core.privacy import validate_phone
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
    complainant_phone = forms.CharField(label=_("your phone (optional)"), max_length=20, required=False,
                                        validators=[validate_phone])

    class Meta:
        model = models.Complaint
        fields = ["organisation", "content", "complainant_name", "complainant_phone"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}


# --- budgets and the innovation fund ----------------------------------------------------------------


class BudgetForm(forms.Form):
    """A year's budget, new or changed (a plain form: the year may already have one)."""

    programme = forms.ChoiceField(label=_("programme"), choices=models.FundBudget.Programme.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("budget (yuan)"), max_digits=14, decimal_places=2)


class CallForm(forms.ModelForm):
    class Meta:
        model = models.FundCall
        fields = ["title", "year", "opens_on", "closes_on", "budget_share", "scope"]
        widgets = {"opens_on": DATE, "closes_on": DATE, "scope": TEXTAREA}


class MilestonePlanField(forms.CharField):
    """The plan's milestones, one a line: its due date, a space, its title (e.g. 2026-09-30 中期评估)."""

    widget = forms.Textarea(attrs={"rows": 4})
    default_error_messages = {
        "bad_line": _("Line %(line)s is not a date (YYYY-MM-DD) followed by a title."),
    }

    def to_python(self, value):
        rows = []
        for number, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            if not line.strip():
                continue
            day, _space, title = line.strip().partition(" ")
            try:
                due_on = forms.DateField().clean(day)
            except forms.ValidationError:
                due_on = None
            if due_on is None or not title.strip():
                raise forms.ValidationError(self.error_messages["bad_line"], code="bad_line", params={"line": number})
            rows.append({"title": title.strip(), "due_on": due_on})
        return rows


class ApplicationForm(forms.Form):
    """An application to a call, for an organisation (by its number) or for a community grid. An organisation's
    own person applies for their organisation only."""

    organisation = OrganisationNumberField(label=_("organisation"), required=False)
    community_grid = forms.ModelChoiceField(label=_("or a community"), queryset=Grid.objects.none(),
                                            required=False)
    title = forms.CharField(label=pgettext_lazy("fund application", "title"), max_length=150)
    category = forms.ChoiceField(label=_("category"), choices=models.FundApplication.Category.choices)
    plan = forms.CharField(label=_("plan"), widget=TEXTAREA, max_length=5000)
    amount_requested = forms.DecimalField(label=_("amount requested (yuan)"), max_digits=12, decimal_places=2)
    milestones = MilestonePlanField(label=_("milestones"), help_text=_(
        "One a line: the due date, a space, what is done by then (e.g. 2026-09-30 中期评估)."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = Org.objects.filter(members__user=user)
        if own.exists():
            self.fields["organisation"].queryset = own
            self.fields["organisation"].required = True
            self.fields["organisation"].initial = own.first().registration_number
            del self.fields["community_grid"]
            return
        self.fields["organisation"].queryset = Org.objects.visible_to(user).filter(status__in=Org.STANDING)
        self.fields["community_grid"].queryset = Grid.objects.visible_to(user).filter(
            kind=Grid.Kind.COMMUNITY).order_by("code")


class ApplicationActForm(StepForm):
    action = forms.CharField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("amount awarded (yuan)"), required=False, max_digits=12, decimal_places=2)
    instalments = forms.CharField(label=_("instalments (yuan)"), required=False, max_length=300, help_text=_(
        "One per milestone, in order, separated by commas; they add up to the amount."))
    note = forms.CharField(label=_("decision note"), required=False, max_length=300)
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)

    STEP_FIELDS = {"submit": [], "review": [], "award": ["amount", "instalments", "note"], "reject": ["reason"],
                   "start": [], "complete": []}

    def clean_instalments(self):
        parts = [part.strip() for part in self.cleaned_data.get("instalments", "").replace("，", ",").split(",")]
        field = forms.DecimalField(max_digits=12, decimal_places=2)
        try:
            return [field.clean(part) for part in parts if part] or ""
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Give amounts in yuan, separated by commas.")) from error


class ReviewForm(forms.ModelForm):
    class Meta:
        model = models.FundReview
        fields = ["innovation", "feasibility", "benefit", "budget", "comment"]


class MilestoneActForm(StepForm):
    action = forms.CharField(widget=forms.HiddenInput)
    report = forms.CharField(label=_("what was done"), required=False, widget=TEXTAREA, max_length=5000)
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)

    STEP_FIELDS = {"report": ["report"], "accept": [], "return": ["reason"]}
