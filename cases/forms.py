"""Forms of the case pages. They check types and shapes; the services decide the rest, and their
ValidationErrors land on these forms' fields (so a bad submission keeps what was typed)."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from grids.models import Department, DepartmentStation, Grid

from .models import Case, Category
from .workflow import Action, Light, Status, Tier, Urgency

User = get_user_model()


def category_choices(include_blank: bool = True) -> list:
    """Subclasses grouped under their class, as the category picker shows them."""
    groups: dict[str, list] = {}
    for category in Category.objects.filter(active=True, parent__isnull=False).select_related("parent"):
        groups.setdefault(f"{category.parent.code} {category.parent.name}", []).append(
            (category.code, f"{category.code} {category.name}"))
    choices = [(group, items) for group, items in groups.items()]
    return [("", "—")] + choices if include_blank else choices


class CaseFilterForm(forms.Form):
    VIEWS = [("mine", _("Waiting on me")), ("all", _("All I can see"))]
    SORTS = [("newest", _("Newest first")), ("oldest", _("Oldest first")), ("due", _("Due soonest"))]

    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status"))] + Status.choices, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("Any tier"))] + Tier.choices, required=False)
    overdue = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("Any")), ("any", _("Due soon or overdue")), (Light.YELLOW, Light.YELLOW.label),
        (Light.RED, Light.RED.label)])
    category = forms.ChoiceField(label=_("Category"), required=False)
    grid = forms.CharField(label=_("Grid code"), required=False, max_length=15)
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        classes = [(c.code, f"{c.code} {c.name}") for c in Category.objects.filter(parent__isnull=True)]
        self.fields["category"].choices = [("", _("Any category"))] + classes + [
            (code, label) for _group, items in category_choices(include_blank=False) for code, label in items]

    def clean_grid(self):
        code = self.cleaned_data["grid"].strip()
        if code and not Grid.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No grid has this code."))
        return code


class NewCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    address = forms.CharField(label=_("Address"), max_length=200)
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=48)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither (your grid's centre is used)."))
        return cleaned


class MustReportForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=9)
    note = forms.CharField(required=False, max_length=500)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)


class ActionForm(forms.Form):
    """The fields one action needs; built per action with ``for_action``."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def addressees(case: Case) -> list[tuple[str, str]]:
    """Whom the dispatcher may send this case to, as the dispatch form offers them."""
    if case.tier == Tier.MICRO:
        codes = [case.grid.code]
        staff = User.objects.filter(is_active=True, staff_profile__role=Role.GRID_WORKER,
                                    griduserobjectpermission__content_object__code__in=codes).select_related(
            "staff_profile").distinct()
        return [(f"u:{u.username}", f"{u.staff_profile.full_name} ({u.username})") for u in staff]
    if case.tier == Tier.SMALL:
        stations = DepartmentStation.objects.filter(street_id=case.street_id).select_related("department")
        return [(f"d:{s.code}", s.name) for s in stations]
    return [(f"d:{d.code}", d.name) for d in Department.objects.all()]


def for_action(action: str, case: Case, data=None) -> ActionForm:
    form = ActionForm(data, prefix=action, initial={"version": case.version})
    if action == Action.DISPATCH:
        choices = addressees(case)
        form.fields["to"] = forms.ChoiceField(label=_("Dispatch to"), choices=[("", "—")] + choices)
    if action in (Action.REJECT, Action.RETURN, Action.REWORK, Action.ESCALATE, Action.REQUEST_EXTENSION):
        form.fields["reason"] = forms.CharField(label=_("Reason"), max_length=2000,
                                                widget=forms.Textarea(attrs={"rows": 2}))
    if action == Action.DENY_EXTENSION:
        form.fields["reason"] = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    if action in (Action.FEEDBACK, Action.HANDLE_ON_SPOT):
        form.fields["result"] = forms.CharField(label=_("Result"), max_length=4000,
                                                widget=forms.Textarea(attrs={"rows": 3}))
    if action == Action.REQUEST_EXTENSION:
        form.fields["until"] = forms.DateTimeField(label=_("New due time"),
                                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    if action == Action.MERGE:
        form.fields["into"] = forms.CharField(label=_("Case number to merge into"), max_length=20)
    if action == Action.EVALUATE:
        form.fields["satisfaction"] = forms.TypedChoiceField(
            label=_("Satisfaction"), coerce=int, widget=forms.RadioSelect,
            choices=[(n, "★" * n) for n in range(5, 0, -1)])
    form.fields["comment"] = forms.CharField(label=_("Comment"), max_length=2000, required=action == Action.COMMENT,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    return form


def action_data(action: str, form: ActionForm) -> dict:
    """The service's body from a valid form (the dispatch target split into department/assignee)."""
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "to") and v not in (None, "")}
    target = form.cleaned_data.get("to", "")
    if target:
        kind, _sep, value = target.partition(":")
        data["assignee" if kind == "u" else "department"] = value
    return data


class PublicReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of problem"))
    description = forms.CharField(label=_("Describe the problem"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Where (address or landmark)"), max_length=200)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class TrackForm(forms.Form):
    token = forms.CharField(label=_("Follow-up code"), max_length=24)


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label=_("How satisfied are you with the result?"), coerce=int,
                                          widget=forms.RadioSelect, choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

