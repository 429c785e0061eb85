"""Form fields over the ASCII-only parsers of config.params, for the forms that read a query string.

The parser stays the one place that reads a kind of parameter; a field only turns its None into the
form's error, with the message the page shows. Years: indicators.fields.
"""

import datetime

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from config.params import date_param


class DateParamField(forms.Field):
    """A date written YYYY-MM-DD (config.params.date_param); blank is None."""

    default_error_messages = {
        "invalid": _("“%(raw)s” is not a date: write it as YYYY-MM-DD, for example 2024-06-01."),
    }

    def to_python(self, value: object) -> datetime.date | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        day = date_param(value)
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"raw": str(value)[:40]})
        return day


class CommaListWidget(forms.Widget):
    """Read every value of a repeated parameter (``?units=01&units=24`` as well as ``?units=01,24``)."""

    def value_from_datadict(self, data: QueryDict | dict, files: object, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        return [values] if isinstance(values, str) else list(values)


class CommaListField(forms.Field):
    """The non-blank items of a comma-separated, possibly repeated parameter, stripped, duplicates dropped."""

    widget = CommaListWidget

    def __init__(self, *, max_items: int | None = None, **kwargs: object) -> None:
        self.max_items = max_items
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> list[str]:
        items = []
        for raw in value or []:
            items += [part.strip() for part in str(raw).split(",") if part.strip()]
        return list(dict.fromkeys(items))[: self.max_items]
