"""Form pieces every app's pages share: date and text widgets, a select of many rows, and one form class per
workflow."""
from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class RowChoiceIterator(ModelChoiceIterator):
    """The options from one query of the columns their labels need, not a model instance (and its related rows) per
    option: a resident's select of the district's 570 communities took 89 ms a page to render."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield "", self.field.empty_label
        key = self.field.to_field_name or "pk"
        for row in self.queryset.values(key, *self.field.label_fields):
            yield ModelChoiceIteratorValue(row[key], None), self.field.label_from_row(row)


class RowChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a select of many rows: ``label_fields`` are the columns (lookups allowed) that
    ``label_from_row`` builds an option's label from. What is submitted is checked and cleaned as before."""

    iterator = RowChoiceIterator
    label_fields: tuple[str, ...] = ()

    def label_from_row(self, row: dict) -> str:
        raise NotImplementedError


class StepForm(forms.Form):
    """One form class for every step of a workflow; an instance keeps only its step's fields."""

    STEP_FIELDS: dict[str, list[str]] = {}

    def __init__(self, *args, step: str, **kwargs):
        kwargs.setdefault("prefix", step)
        initial = {"action": step, **kwargs.pop("initial", {})}
        super().__init__(*args, initial=initial, **kwargs)
        keep = {"action", *self.STEP_FIELDS[step]}
        for name in [name for name in self.fields if name not in keep]:
            del self.fields[name]

    def step_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "action"}


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app (six digits) or, where ``recovery`` allows, a recovery code."""

    code = forms.CharField(label=_("Verification code"), max_length=32)

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = (_("The 6-digit code your authenticator app shows, or one of your recovery codes.")
                           if recovery else _("The 6-digit code your authenticator app shows."))
        field.widget.attrs.update({"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false",
                                   "inputmode": "text" if recovery else "numeric"})
