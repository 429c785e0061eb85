"""The yearly report's form: ``year`` (default: the latest year with figures), up to the current year."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.fields import YearField

YEAR_MESSAGE = _("The year must be written as four digits, e.g. 2023.")


class YearlyReportForm(forms.Form):
    year = YearField(label=_("Year"), required=False, error_messages={"invalid": YEAR_MESSAGE})

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(YEAR_MESSAGE)
        return year
