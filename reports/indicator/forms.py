"""The indicator page's form: ``year``, the year of the tile map (default: the latest with province figures)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from indicators.fields import YearField


class IndicatorForm(forms.Form):
    year = YearField(required=False)

    def __init__(self, data: QueryDict, *, years: list[int]) -> None:
        super().__init__(data)
        self.years = years
        self.latest = years[-1] if years else None
        # Not a year, or a year without figures: the same message, since the page shows the latest year instead.
        message = _("No province figures for %(year)s; showing %(latest)s.") % {
            "year": "%(year)s",
            "latest": self.latest,
        }
        self.fields["year"].error_messages = {**self.fields["year"].error_messages, "invalid": message}

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        if year is not None and year not in self.years:
            raise forms.ValidationError(self.fields["year"].error_messages["invalid"], params={"year": str(year)})
        return year

    def map_year(self) -> int | None:
        """Return the year to map: the one asked when it has figures, else the latest."""
        return (self.cleaned_data["year"] if self.is_valid() else None) or self.latest
