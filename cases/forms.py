"""Forms of the case pages. They check types and shapes; the services decide the rest, and their
ValidationErrors land on these forms' fields (so a bad submission keeps what was typed)."""
from collections import Counter

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.privacy import phone_key, validate_phone
from grids.models import Grid

from .models import Case, Category
from .routing import RoutingDirectory
from .selectors import categories_in_code_order
from .trail import satisfaction_words
from .workflow import CALLBACK, Action, Light, PartyStatus, Status, Tier, Urgency, Whistle

User = get_user_model()


def _class_label(category: Category, names: dict[str, int]) -> str:
    """A class by name; two classes of one name (市容环境 the component and the event) say which."""
    if names.get(category.name, 0) > 1:
        return _("%(name)s (%(kind)s)") % {"name": category.name, "kind": category.get_kind_display()}
    return category.name


def category_choices(include_blank: bool = True) -> list:
    """Subclasses by name, grouped under their class, as the category picker shows them (the
    codes are the values, not what a person reads)."""
    categories, by_id = categories_in_code_order()
    classes = [c for c in categories if c.active and c.parent_id is None]
    names = Counter(c.name for c in classes)
    labels = {c.pk: _class_label(c, names) for c in classes}
    groups: dict[str, list] = {}
    for category in categories:
        if category.active and category.parent_id is not None:
            groups.setdefault(labels.get(category.parent_id, by_id[category.parent_id].name), []).append(
                (category.code, category.name))
    choices = list(groups.items())
    return [("", _("Choose a category"))] + choices if include_blank else choices


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
        # A whole class, or one of its subclasses, grouped under the class.
        categories, _by_id = categories_in_code_order()
        classes = [c for c in categories if c.parent_id is None]
        names = Counter(c.name for c in classes)
        subclasses: dict[int, list] = {}
        for category in categories:
            if category.parent_id is not None:
                subclasses.setdefault(category.parent_id, []).append((category.code, category.name))
        choices = [("", _("Any category"))]
        for parent in classes:
            label = _class_label(parent, names)
            choices.append((label, [(parent.code, format_lazy(_("{} (all)"), label)), *subclasses.get(parent.pk, [])]))
        self.fields["category"].choices = choices

    def clean_grid(self):
        code = self.cleaned_data["grid"].strip()
        if code and not Grid.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No grid has this code."))
        return code


def typed_point() -> tuple[forms.FloatField, forms.FloatField]:
    """Latitude and longitude fields a person may type (or a map fills), both optional."""
    decimal = {"inputmode": "decimal"}
    return (forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                             widget=forms.TextInput(attrs=decimal)),
            forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                             widget=forms.TextInput(attrs=decimal)))


class NewCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    lat, lng = typed_point()
    address = forms.CharField(label=_("Address"), max_length=200)
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=48)
    patrol = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither (your grid's centre is used)."))
        return cleaned


class CallForm(forms.Form):
    """Who is calling and what they say: what the desk records, whether the call becomes a case or a follow-up."""

    phone = forms.CharField(label=_("Caller's phone"), max_length=40, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    description = forms.CharField(label=_("What the caller says"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean_phone(self):
        return phone_key(self.cleaned_data["phone"])


class HotlineCaseForm(CallForm):
    """A call that becomes a new case (the hotline desk): the call, and the case's title, kind, urgency and place."""

    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    address = forms.CharField(label=_("Address"), max_length=200)
    lat, lng = typed_point()
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=48)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lat") is None or cleaned.get("lng") is None:
            raise forms.ValidationError(_("Give the place: tap it on the map, or search a grid or community."))
        return cleaned


class MustReportForm(forms.Form):
    """A 九必报 tap: the item and where the reporter stands. The first post asks to confirm; the
    confirmed post (with its one-time ``key``, so a double tap files one case) files it."""

    item = forms.IntegerField(label=_("Must-report item"), min_value=1, max_value=9, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=48, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    """The fields one action needs; built per action with ``for_action``."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def addressees(case: Case, directory: RoutingDirectory | None = None) -> list[tuple[str, str]]:
    """Whom the dispatcher may send this case to, as the dispatch form offers them: the routed units first
    and marked, then the others; a unit with no one to accept the case says so."""
    found = (directory or RoutingDirectory(street_ids=[case.street_id], category_ids=[case.category_id])
             ).addressees(case)
    return [(f"{'u' if a.is_person else 'd'}:{a.code}", _addressee_label(a)) for a in found]


def _addressee_label(addressee) -> str:
    if addressee.is_person:
        return addressee.name
    if not addressee.handlers:
        return _("%(unit)s (no handler)") % {"unit": addressee.name}
    return _("%(unit)s (routed)") % {"unit": addressee.name} if addressee.routed else addressee.name


def for_action(action: str, case: Case, data=None) -> ActionForm:
    form = ActionForm(data, prefix=action, initial={"version": case.version})
    if action == Action.DISPATCH:
        choices = addressees(case)
        form.fields["to"] = forms.ChoiceField(label=_("Dispatch to"), choices=[("", "—")] + choices)
    if action == Action.SUMMON:
        _summon_fields(form, case)
    if action == Action.REWORK and case.joint:
        form.fields["party"] = forms.ChoiceField(
            label=_("Whose part to redo"), choices=[("", "—")] + [
                (p.unit_code, p.unit_name) for p in case.current_parties if p.status == PartyStatus.FED_BACK])
    if action in (Action.REJECT, Action.RETURN, Action.REWORK, Action.REOPEN, Action.ESCALATE,
                  Action.REQUEST_EXTENSION, Action.PARTY_RETURN):
        form.fields["reason"] = forms.CharField(label=_("Reason"), max_length=2000,
                                                widget=forms.Textarea(attrs={"rows": 2}))
    if action == Action.DENY_EXTENSION:
        form.fields["reason"] = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    if action in (Action.FEEDBACK, Action.HANDLE_ON_SPOT, Action.PARTY_FEEDBACK):
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
            choices=[(n, satisfaction_words(n)) for n in range(5, 0, -1)])
    form.fields["comment"] = forms.CharField(label=_("Comment"), max_length=2000, required=action == Action.COMMENT,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    return form


def _summon_fields(form: ActionForm, case: Case) -> None:
    """The whistle's kind, the lead unit and the co-handling units, from the units the tier's dispatcher may send to."""
    units = [(a.code, _addressee_label(a)) for a in RoutingDirectory(
        street_ids=[case.street_id], category_ids=[case.category_id]).addressees(case) if not a.is_person]
    form.fields["kind"] = forms.ChoiceField(label=_("Whistle"), choices=Whistle.choices, widget=forms.RadioSelect,
                                            initial=Whistle.ROUTINE)
    form.fields["lead"] = forms.ChoiceField(label=_("Lead unit"), choices=[("", "—")] + units)
    form.fields["co_handlers"] = forms.MultipleChoiceField(label=_("Co-handling units"), choices=units,
                                                           widget=forms.CheckboxSelectMultiple)
# The free-text field a reply template (常用语) of an action fills in.
REPLY_FIELDS = {Action.FEEDBACK: "result", Action.RETURN: "reason", Action.REJECT: "reason", Action.REWORK: "reason",
                Action.PARTY_FEEDBACK: "result", Action.PARTY_RETURN: "reason", CALLBACK: "note"}
# A summoned unit's feedback and return take the templates of a handler's.
REPLY_USE = {Action.PARTY_FEEDBACK: Action.FEEDBACK, Action.PARTY_RETURN: Action.RETURN}


def offer_replies(form: ActionForm, action: str, replies: list) -> None:
    """Hand the action's form the reply templates to pick from (``cases/_reply_templates.html`` shows them)."""
    if replies and action in REPLY_FIELDS:
        form.replies, form.reply_field = replies, form[REPLY_FIELDS[action]]


def action_data(action: str, form: ActionForm) -> dict:
    """The service's body from a valid form (the dispatch target split into department/assignee)."""
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "to") and v not in (None, "")}
    target = form.cleaned_data.get("to", "")
    if target:
        kind, _sep, value = target.partition(":")
        data["assignee" if kind == "u" else "department"] = value
    return data


class CallbackForm(forms.Form):
    """A callback to the reporter (回访); ``callbacks.callback_record`` checks the combination of answers."""

    ANSWERS = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]

    reached = forms.TypedChoiceField(label=_("Reporter reached"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    solved = forms.TypedChoiceField(label=_("Problem solved"), coerce=lambda v: v == "yes", empty_value=None,
                                    choices=ANSWERS, required=False,
                                    help_text=_("Only when the reporter was reached."))
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), coerce=int, empty_value=None, required=False,
        choices=[("", _("Not asked"))] + [(n, satisfaction_words(n)) for n in range(5, 0, -1)],
        help_text=_("Only when the reporter was reached. A case nobody has rated yet takes it as its rating."))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def resident_category_choices() -> list:
    """What residents may report, by name only (no codes), grouped under their class's name; the
    component and the event class of one name (市容环境) share a group."""
    categories, by_id = categories_in_code_order()
    groups: dict[str, list] = {}
    for category in categories:
        if category.active and category.open_to_residents and category.parent_id is not None:
            groups.setdefault(by_id[category.parent_id].name, []).append((category.code, category.name))
    return [("", _("Choose the kind of problem"))] + list(groups.items())


_PHONE_WIDGET = {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}


class PublicReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of problem"), error_messages={
        "invalid_choice": _("Residents can report only the kinds of problem listed here; for anything else, "
                            "please call the 12345 hotline.")})
    description = forms.CharField(label=_("Describe the problem"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Where (address or landmark)"), max_length=200)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=20, required=False, widget=forms.TextInput(attrs=_PHONE_WIDGET),
        validators=[validate_phone],
        help_text=_("With it you can also follow the case by its number and this phone number."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = resident_category_choices()


class TrackForm(forms.Form):
    token = forms.CharField(label=_("Follow-up code"), max_length=40, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("Capitals or small letters, with or without the dash."))


class FollowByPhoneForm(forms.Form):
    """Follow a case by its number and the phone number given when reporting it."""

    number = forms.CharField(label=_("Case number"), max_length=30, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    phone = forms.CharField(label=_("The phone number you gave"), max_length=30,
                            widget=forms.TextInput(attrs=_PHONE_WIDGET))


SATISFACTION_WORDS = {5: _("very satisfied"), 4: _("satisfied"), 3: _("fairly satisfied"), 2: _("dissatisfied"),
                      1: _("very dissatisfied")}


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"), coerce=int, widget=forms.RadioSelect,
        choices=[(n, format_lazy("{} {}", "★" * n, SATISFACTION_WORDS[n])) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
