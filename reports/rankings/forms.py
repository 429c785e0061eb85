"""The rankings filter form: indicator, year, region, level, the province for district/commune rankings.

A plain form rather than a FilterSet: the ranking is computed in pandas (ranks over the units
in scope), not by filtering a queryset, and the choices depend on each other (the years
with data depend on the indicator; the provinces on the year's structure).
"""

from collections.abc import Iterable, Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from config.widgets import FastSelect
from indicators.models import Indicator
from provinces.models import Level, Region

#: The `within` choice that ranks the districts or communes of the whole country together.
NATIONAL = "all"


class RankingForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), widget=FastSelect)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, widget=FastSelect)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices], widget=FastSelect
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        widget=FastSelect,
        choices=[
            (Level.PROVINCE, _("Provinces (national)")),
            (Level.DISTRICT, _("Districts of one province")),
            (Level.COMMUNE, _("Communes of one province")),
            (Level.MINISTRY, _("Ministries and ministry-level agencies")),
            (Level.DEPARTMENT, _("Departments of one province")),
        ],
    )
    within = forms.ChoiceField(label=_("Province"), required=False, widget=FastSelect)
    # "" (automatic): only the units with figures when more than half have none (issue 15).
    figures = forms.ChoiceField(
        label=_("Units shown"),
        required=False,
        widget=FastSelect,
        choices=[
            ("", _("Automatic")),
            ("with", _("Only units with figures")),
            ("all", _("All units, those without figures last")),
        ],
    )
    highlight = forms.CharField(label=_("Highlight"), required=False, max_length=5, widget=forms.HiddenInput)

    def __init__(
        self,
        data: dict,
        *,
        indicators: Sequence[Indicator] = (),
        years: Sequence[int] = (),
        provinces: Sequence[tuple[str, str]] = (),
        choices: dict[str, Iterable[tuple[str, object]]] | None = None,
    ) -> None:
        """Bind the form; ``choices``: ranking_choices(...) made earlier (kept), instead of the three sequences."""
        super().__init__(data)
        if choices is None:
            choices = ranking_choices(indicators=indicators, years=years, provinces=provinces)
        for name, field_choices in choices.items():
            self.fields[name].choices = field_choices

    def clean(self) -> dict:
        cleaned = super().clean()
        level = cleaned.get("level") or Level.PROVINCE
        cleaned["level"] = level
        national = level in (Level.PROVINCE, Level.MINISTRY)
        if not national and not cleaned.get("within"):
            self.add_error("within", _("Choose the province whose districts or communes to rank."))
        if level == Level.DEPARTMENT and cleaned.get("within") == NATIONAL:
            self.add_error("within", _("Departments are ranked within one province; choose it."))
        if national:
            cleaned["within"] = ""
        else:
            # Districts and communes have no region of their own; the province chooses them.
            cleaned["region"] = ""
        return cleaned


def ranking_choices(
    *, indicators: Sequence[Indicator], years: Sequence[int], provinces: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[str, object]]]:
    """Return the choices of the form's indicator, year and province fields (labels in the active language)."""
    return {
        "indicator": [(i.code, i.name) for i in indicators],
        "year": [(str(y), str(y)) for y in years],
        "within": [("", _("— choose a province —")), (NATIONAL, _("All provinces (national ranking)")), *provinces],
    }
