"""Forms of the community pages. They only parse and show input; services do the writes (see
``pages.run_service``, which puts a service's field errors back onto the form)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, DATETIME, TEXTAREA, RowChoiceField, StepForm
from core.privacy import validate_phone
from grids.forms import offer_served_unit_grids
from grids.models import Community

from . import models
from .structures import community_workers
from .workflow import FOLLOW_UP_FLOW, MATTER_FLOW


class CommunityChoiceField(RowChoiceField):
    label_fields = ("street__name", "name")

    def label_from_row(self, row):
        return f"{row['street__name']} · {row['name']}"


def team_label(team) -> str:
    """Teams are named by their field ("助老助残1队") in every station: the station tells them apart."""
    return f"{team.org.name} · {team.name}"


def _dates(model_fields):
    return {name: DATE for name in model_fields}


class ScopedGridForm(forms.ModelForm):
    """A form whose ``grid`` field offers only the unit grids the user serves."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_served_unit_grids(self.fields["grid"], user)


class HouseholdForm(ScopedGridForm):
    categories = forms.ModelMultipleChoiceField(
        label=_("categories"), queryset=models.VisitCategory.objects.all(), to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = models.Household
        fields = ["grid", "head_name", "address", "phone", "members", "categories", "note", "registered_on"]
        widgets = {"registered_on": DATE, "note": TEXTAREA}


class HouseholdRemoveForm(forms.Form):
    reason = forms.CharField(label=_("reason for leaving the register"), max_length=200)


class VisitForm(forms.ModelForm):
    class Meta:
        model = models.Visit
        fields = ["visited_on", "mode", "summary", "needs_follow_up"]
        widgets = {"visited_on": DATE, "summary": TEXTAREA}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AttendanceForm(ScopedGridForm):
    class Meta:
        model = models.AttendanceRecord
        fields = ["grid", "situation", "occurred_on", "attended_on", "place", "residents", "action_taken"]
        widgets = {**_dates(["occurred_on", "attended_on"]), "action_taken": TEXTAREA}


class ScopedCommunityForm(forms.ModelForm):
    """A form whose ``community`` field offers only the communities the user can see."""

    community = CommunityChoiceField(label=_("community"), queryset=Community.objects.none())

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities.order_by("code")


class VolunteerForm(ScopedCommunityForm):
    skill_names = forms.CharField(label=_("skills"), required=False, help_text=_("Separate with commas"))

    class Meta:
        model = models.Volunteer
        fields = ["full_name", "phone", "community"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = models.VolunteerActivity
        fields = ["team", "title", "description", "place", "starts_at", "ends_at", "capacity"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": TEXTAREA}

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.select_related("org").order_by("org__code", "name")
        self.fields["team"].label_from_instance = team_label


class SignupForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("volunteer"), queryset=models.Volunteer.objects.none())

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class CareTargetForm(ScopedGridForm):
    class Meta:
        model = models.CareTarget
        fields = ["grid", "kind", "name", "building", "entrance", "floor", "phone", "note"]


class PairingForm(forms.ModelForm):
    class Meta:
        model = models.CarePairing
        fields = ["helper_name", "helper_phone", "relation", "started_on"]
        widgets = {"started_on": DATE}


class ContactForm(forms.ModelForm):
    pairing = forms.ModelChoiceField(label=_("pairing"), queryset=models.CarePairing.objects.none())

    class Meta:
        model = models.CareContact
        fields = ["pairing", "contacted_on", "mode", "note", "concern_raised"]
        widgets = {"contacted_on": DATE}

    def __init__(self, *args, pairings, **kwargs):
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings


class MeetingForm(ScopedCommunityForm):
    class Meta:
        model = models.DeliberationMeeting
        fields = ["community", "topic", "held_on", "venue"]
        widgets = {"held_on": DATE}


class ParticipantForm(forms.ModelForm):
    """A participant; one speaking for an owners' committee or a property company (四方共建) picks it
    from the meeting's community."""

    class Meta:
        model = models.MeetingParticipant
        fields = ["party", "name", "affiliation", "owners_committee", "property_company"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners_committee"].queryset = models.OwnersCommittee.objects.filter(community=meeting.community_id)
        self.fields["property_company"].queryset = models.PropertyCompany.objects.filter(community=meeting.community_id)


class BodyPostForm(forms.ModelForm):
    """A post in one of the community's three bodies (三位一体), for one of the staff listed in it."""

    class Meta:
        model = models.BodyPost
        fields = ["body", "title", "staff"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = community_workers(community).order_by("full_name")
        self.fields["staff"].label_from_instance = lambda staff: f"{staff.full_name} · {staff.get_post_display()}"


class CompoundBodyForm(forms.Form):
    """An owners' committee or a property company of a community, with its first contact."""

    MODELS = {"owners_committee": models.OwnersCommittee, "property_company": models.PropertyCompany}

    kind = forms.ChoiceField(label=_("kind"), choices=[
        ("owners_committee", _("Owners' committee")), ("property_company", _("Property management company"))])
    compound = forms.CharField(label=_("residential compound"), max_length=100, required=False)
    name = forms.CharField(label=_("name"), max_length=100)
    starts_on = forms.DateField(label=_("term or contract starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("term or contract ends on"), widget=DATE)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_role = forms.CharField(label=_("contact's role"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact's phone"), max_length=20, required=False,
                                    validators=[validate_phone])

    def service_data(self) -> dict:
        """The service's arguments: the body's model, and the contact when one is given."""
        data = dict(self.cleaned_data)
        contact = {key: data.pop(f"contact_{key}") for key in ("name", "role", "phone")}
        model = self.MODELS[data.pop("kind")]
        return {**data, "model": model, "contacts": [contact] if any(contact.values()) else []}


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("decision"), widget=TEXTAREA)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = models.FollowUpAction
        fields = ["description", "owner_name", "due_on"]
        widgets = {"due_on": DATE}


class FollowUpUpdateForm(forms.Form):
    """Moves one follow-up action on: the status asked for names the step."""

    action = forms.ModelChoiceField(label=_("follow-up action"), queryset=models.FollowUpAction.objects.none())
    status = forms.ChoiceField(label=_("status"),
                               choices=FOLLOW_UP_FLOW.choices())
    result = forms.CharField(label=_("result"), required=False, widget=TEXTAREA)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions


class ProposalForm(forms.ModelForm):
    """我要提实事: what a resident fills in on the public page."""

    community = CommunityChoiceField(label=_("community"), queryset=Community.objects.all())
    proposer_phone = forms.CharField(label=_("proposer's phone"), max_length=20, required=False,
                                     validators=[validate_phone],
                                     help_text=_("Only staff see it, to contact you about the proposal."))

    class Meta:
        model = models.PracticalMatter
        fields = ["community", "title", "description", "proposer_name", "proposer_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class MatterActForm(StepForm):
    """The steps of a practical matter; each reads the fields it needs."""

    action = forms.ChoiceField(choices=MATTER_FLOW.choices(),
                               widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("year"), required=False)
    is_key = forms.BooleanField(label=_("key project (重要实事)"), required=False)
    reason = forms.CharField(label=_("reason not taken up"), required=False)
    budget = forms.DecimalField(label=_("budget (yuan)"), required=False, max_digits=12, decimal_places=2)
    owner_name = forms.CharField(label=_("responsible person"), required=False, max_length=50)
    owner_unit = forms.CharField(label=_("responsible unit"), required=False, max_length=100)
    planned_start = forms.DateField(label=_("planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("planned end"), required=False, widget=DATE)
    acceptance_note = forms.CharField(label=_("acceptance note"), required=False, widget=TEXTAREA)

    STEP_FIELDS = {
        "select": ["year", "is_key"],
        "reject": ["reason"],
        "plan": ["budget", "owner_name", "owner_unit", "planned_start", "planned_end"],
        "start": [],
        "accept": ["acceptance_note"],
    }


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = models.MatterMilestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class CommentForm(forms.ModelForm):
    class Meta:
        model = models.MatterComment
        fields = ["author_name", "body"]
        widgets = {"body": TEXTAREA}


class RatingForm(forms.ModelForm):
    score = forms.TypedChoiceField(label=_("satisfaction (1–5)"), coerce=int,
                                   choices=[(n, "★" * n) for n in range(5, 0, -1)], widget=forms.RadioSelect)

    class Meta:
        model = models.MatterRating
        fields = ["score", "remark"]
