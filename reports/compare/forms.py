"""The comparison form: which provinces, indicators, year and scatter axes the query string asks for.

Query string: ``units=22,31,01`` (2–8 province codes, read at the structure of the chosen year:
31 December of ``year``; a code may carry its own date, ``01@2024-01-01``), ``indicators=par_index,sipas``,
``year=2023`` (default: the latest year with data), ``x`` and ``y`` (the scatter's indicators).

A bad part is reported on the page and left out, never fatal: ``query()`` returns what could be read,
``errors`` says field by field what was wrong.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.fields import CommaListField
from config.params import date_param, digits_param
from indicators.fields import YearField

MIN_UNITS, MAX_UNITS = 2, 8
MAX_INDICATORS = 6
DEFAULT_INDICATORS = ["par_index", "sipas"]


@dataclass
class CompareQuery:
    """The comparison the page shows: the parts of the request that could be read."""

    units: list[tuple[str, datetime.date | None]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    year: int | None = None
    x: str = ""
    y: str = ""


class CompareForm(forms.Form):
    units = CommaListField(max_items=50)
    indicators = CommaListField()
    year = YearField(
        required=False,
        error_messages={"invalid": gettext_lazy("“%(year)s” is not a year; the latest year with data is shown.")},
    )
    x = forms.CharField(required=False)
    y = forms.CharField(required=False)

    def __init__(self, data: QueryDict, *, known_indicators: list[str]) -> None:
        super().__init__(data)
        self.known_indicators = known_indicators
        # What each field could read even when it also has errors: a bad code does not hide the good ones.
        self.usable: dict = {}

    def clean_units(self) -> list[tuple[str, datetime.date | None]]:
        """Read the province codes, each with an optional date (``01@2024-01-01``), and check how many there are."""
        units, errors = [], []
        for item in self.cleaned_data["units"]:
            code, _sep, raw_day = item.partition("@")
            day = date_param(raw_day) if raw_day else None
            if digits_param(code, max_length=3) is None:
                errors.append(_("“%(code)s” is not a province code (two digits, e.g. 01).") % {"code": item[:20]})
            elif raw_day and day is None:
                errors.append(_("“%(day)s” is not a date (write YYYY-MM-DD).") % {"day": raw_day[:20]})
            else:
                units.append((code.zfill(2), day))
        if units and not MIN_UNITS <= len(units) <= MAX_UNITS:
            errors.append(
                _("Choose between %(min)s and %(max)s provinces (you chose %(n)s).")
                % {"min": MIN_UNITS, "max": MAX_UNITS, "n": len(units)}
            )
        return self._usable("units", units, errors)

    def clean_indicators(self) -> list[str]:
        """Read the indicators to compare (the default ones when none is asked), reporting unknown codes."""
        wanted = self.cleaned_data["indicators"] or [c for c in DEFAULT_INDICATORS if c in self.known_indicators]
        unknown = [c for c in wanted if c not in self.known_indicators]
        errors = [_("No province data for indicator(s): %(codes)s.") % {"codes": ", ".join(unknown)[:200]}]
        known = [c for c in wanted if c in self.known_indicators][:MAX_INDICATORS]
        return self._usable("indicators", known, errors if unknown else [])

    def clean_x(self) -> str:
        return self._axis("x")

    def clean_y(self) -> str:
        return self._axis("y")

    def _axis(self, name: str) -> str:
        value = self.cleaned_data[name]
        if value and value not in self.known_indicators:
            return self._usable(name, "", [_("No province data for indicator “%(code)s”.") % {"code": value[:60]}])
        return value

    def _usable(self, name: str, value: object, errors: list) -> object:
        self.usable[name] = value
        if errors:
            raise forms.ValidationError(errors)
        return value

    def query(self) -> CompareQuery:
        """Return the parts of the request that could be read; the scatter's axes default to the first two indicators."""
        self.is_valid()
        read = {**self.usable, **self.cleaned_data}
        indicators = read.get("indicators", [])
        x = read.get("x") or (indicators[0] if indicators else "")
        y = read.get("y") or (indicators[1] if len(indicators) > 1 else "")
        return CompareQuery(units=read.get("units", []), indicators=indicators, year=read.get("year"), x=x, y=y)
