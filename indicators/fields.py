"""The year field of the forms that read a query string, over indicators.params.year_param."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.params import year_param


class YearField(forms.Field):
    """A year written as four ASCII digits within MIN_YEAR–MAX_YEAR (year_param); blank is None."""

    default_error_messages = {
        "invalid": _("“%(text)s” is not a year (write it as 2023)."),
    }

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        year = year_param(value)
        if year is None:
            # A form's own message may call the text %(year)s.
            raw = str(value).strip()[:10]
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"text": raw, "year": raw}
            )
        return year
