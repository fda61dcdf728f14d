"""Forms of the evaluation pages: they check form; the services check meaning."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.privacy import validate_phone

from .models import Representative, SupervisionRating

PERIOD_HELP = _("A year and H1/H2 or Q1–Q4, e.g. 2026H1.")


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Assessment period"))
        kwargs.setdefault("help_text", PERIOD_HELP)
        super().__init__(max_length=8, **kwargs)


class RoundOpenForm(forms.Form):
    period = PeriodField()
    deadline = forms.DateTimeField(label=_("Submission deadline"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   help_text=_("Default: the end of the half-year."))


class ComputeForm(forms.Form):
    period = PeriodField()
    rule = forms.IntegerField(label=_("Rule version"), required=False, min_value=1,
                              help_text=_("Default: the latest version."))


class SurveyForm(forms.Form):
    period = PeriodField()
    file = forms.FileField(label=_("Survey file (CSV or XLSX)"),
                           help_text=_("Columns: unit, sample size, satisfied, then one column per question (0–100)."))


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=500)


class BonusForm(forms.Form):
    period = PeriodField(help_text=_("A quarter, e.g. 2026Q3."))


class SheetForm(forms.Form):
    """One 0–100 field per criterion of the sheet's flow, and a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for item in criteria:
            label = _("%(name)s (weight %(weight)s)") % {"name": item["name"], "weight": item["weight"]}
            self.fields[f"c_{item['code']}"] = forms.DecimalField(
                label=label, min_value=0, max_value=100, decimal_places=2, max_digits=5)
        self.fields["comment"] = comment
        self.criteria = criteria

    def scores(self) -> dict:
        return {item["code"]: self.cleaned_data[f"c_{item['code']}"] for item in self.criteria}


# --- residents' democratic supervision ----------------------------------------------------------------


class CommitteeForm(forms.Form):
    grid = forms.ChoiceField(label=_("Community grid"))
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           help_text=_("Default: the community's name and “residents' supervision committee”."))
    formed_on = forms.DateField(label=_("Formed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("Default: today."))

    def __init__(self, *args, grids: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = grids


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, validators=[validate_phone])
    role = forms.ChoiceField(label=_("Role"), choices=Representative.Role.choices, initial=Representative.Role.MEMBER)
    term_starts_on = forms.DateField(label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"}))
    term_ends_on = forms.DateField(label=_("Term ends"), widget=forms.DateInput(attrs={"type": "date"}))


class SupervisionRoundForm(forms.Form):
    period = PeriodField(help_text=_("A half-year, e.g. 2026H1."))


class _UnitForm(forms.Form):
    unit = forms.ChoiceField(label=_("Addressed unit"))

    def __init__(self, *args, units: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units


class QuestionForm(_UnitForm):
    text = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(_UnitForm):
    score = forms.TypedChoiceField(label=_("Rating"), coerce=int, widget=forms.RadioSelect,
                                   choices=SupervisionRating.Score.choices)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
