"""The ranking page's reads of the catalogue and the units, kept for the data generation instead of made per request.

The form's choices (the indicators, the indicator's years with public figures, the provinces of the year's
structure) and the province whose units are ranked are the same for every visitor until a write starts a new
data generation (indicators.signals). Read on every request they were 4 of the page's 7 queries, and the
years' DISTINCT over the indicator's values alone took ~6 ms of the page's ~7 ms of SQL at national scale
(bench/rankings), besides ~3 ms of Python building the querysets and model instances.

During a staff preview the years are read afresh and never kept: a preview adds the years of the
previewer's unpublished figures. The catalogue and the units are the same for everyone.
"""

import datetime

from django.utils.translation import get_language

from config.widgets import KeptChoices
from indicators.models import Indicator
from indicators.preview import preview_scope
from indicators.rankings import years_with_data
from indicators.signals import generation_store
from provinces.models import AdministrativeUnit, Level
from reports.rankings.forms import ranking_choices
from reports.reads import province_choices


class RankingReads:
    """The ranking page's reads kept for the current data generation (read once, when made: make one per request).

    What it returns is shared by the requests of the generation: read it, never change it.
    """

    def __init__(self) -> None:
        self._kept = generation_store()

    def indicators(self) -> tuple[Indicator, ...]:
        """Return the whole catalogue in display order."""
        key = ("rankings", "indicators")
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = tuple(Indicator.objects.order_by("display_order", "code"))
        return found

    def years(self, *, indicator: Indicator) -> tuple[int, ...]:
        """Return the years with public figures of the indicator, newest first (a preview's: with its own)."""
        if preview_scope() is not None:
            return tuple(years_with_data(indicator=indicator))
        key = ("rankings", "years", indicator.pk)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = tuple(years_with_data(indicator=indicator))
        return found

    def provinces(self, *, day: datetime.date) -> tuple[tuple[str, str], ...]:
        """Return the (code, label) choices of the provinces in force on the day, labelled in the active language."""
        key = ("rankings", "provinces", day, get_language())
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = tuple(province_choices(day=day))
        return found

    def form_choices(self, *, years: tuple[int, ...], day: datetime.date) -> dict[str, KeptChoices]:
        """Return the form's choices (ranking_choices) of the catalogue, these years and the day's provinces.

        Made once per generation, years, day and language (a preview's years: made afresh, never kept).
        """
        key = ("rankings", "form-choices", years, day, get_language())
        found = self._kept.get(key) if preview_scope() is None else None
        if found is None:
            made = ranking_choices(indicators=self.indicators(), years=years, provinces=self.provinces(day=day))
            found = {name: KeptChoices(choices) for name, choices in made.items()}
            if preview_scope() is None:
                self._kept[key] = found
        return found

    def province(self, *, code: str, year: int) -> AdministrativeUnit | None:
        """Return the province of that code in the year's structure (None: none). ``code``: one of the choices."""
        key = ("rankings", "province", code, year)
        if key not in self._kept:
            self._kept[key] = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=code).for_year(year).first()
        return self._kept[key]
