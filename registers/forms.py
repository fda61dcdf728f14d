"""Forms of the register pages. They parse and show input; the services write (``pages.run_service`` puts a
service's field errors back onto the form)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE
from grids.forms import offer_served_unit_grids
from grids.models import Grid

from .models import House, Place, Resident


class GridChoiceForm(forms.ModelForm):
    """A form whose ``grid`` field (on a new row only) offers the unit grids the user serves."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "grid" in self.fields:
            offer_served_unit_grids(self.fields["grid"], user)


RESIDENT_FIELDS = ["house", "kind", "name", "id_number", "gender", "birth_date", "phone", "moved_in_on", "status",
                   "note"]


class HouseForm(GridChoiceForm):
    class Meta:
        model = House
        fields = ["grid", "compound", "building", "entrance", "floor", "room", "use", "occupancy", "note"]


class PlaceForm(GridChoiceForm):
    class Meta:
        model = Place
        fields = ["grid", "name", "kind", "address", "lat", "lng", "contact_name", "contact_phone", "active", "note"]


def edit_form(form_class):
    """The form of a row already on the register: the same fields, its grid left as it is."""
    meta = type("Meta", (form_class.Meta,), {"fields": [name for name in form_class.Meta.fields if name != "grid"]})
    return type(f"{form_class.__name__}Edit", (form_class,), {"Meta": meta})


HouseEditForm, PlaceEditForm = edit_form(HouseForm), edit_form(PlaceForm)


class ResidentForm(forms.ModelForm):
    """A resident and the house they live in (a house of the grids the user keeps; on the page of a grid, of it)."""

    class Meta:
        model = Resident
        fields = RESIDENT_FIELDS
        widgets = {"birth_date": DATE, "moved_in_on": DATE}
        help_texts = {"gender": _("Read from the identity number when left empty."),
                      "birth_date": _("Read from the identity number when left empty.")}

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses
        self.fields["gender"].required = False

    def _post_clean(self):
        """The service validates (and derives gender and birth date): the model is not checked here."""


class ImportForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("grid"), queryset=Grid.objects.none())
    file = forms.FileField(label=_("XLSX workbook"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           help_text=_("Sheets named 房屋, 人口 and 场所 (any of them), with a header row."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_served_unit_grids(self.fields["grid"], user)


def service_fields(form) -> dict:
    """What a form collected, as the services take it (nothing the form did not show)."""
    return {name: form.cleaned_data[name] for name in form.fields}
