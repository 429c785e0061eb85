"""The indicator catalogue, sources, and yearly values of units.

A ``Value`` is one figure: indicator × unit × year → a number and/or an officially published
rank (sources often give only a rank), with the source it was read from.
"""

import decimal
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.i18n import localised
from indicators.managers import HistoricalValueQuerySet, ImportBatchQuerySet, ValueQuerySet
from provinces.models import AdministrativeUnit, Level, Region

MIN_YEAR, MAX_YEAR = 1990, 2100
#: Values are DECIMAL(18,4): 14 digits before the decimal point, 4 after.
VALUE_DECIMALS = 4
VALUE_LIMIT = Decimal(10) ** 14


def value_rounded(value: Decimal | int) -> Decimal:
    """Return a value rounded half up to the stored precision (4 decimals), as the database keeps it."""
    value = Decimal(value)  # a form or a caller may hand over an int
    if abs(value) >= VALUE_LIMIT:
        return value  # refused by value_errors; quantizing it could overflow the context
    return value.quantize(Decimal(1).scaleb(-VALUE_DECIMALS), rounding=decimal.ROUND_HALF_UP)


class StoredDecimalField(models.DecimalField):
    """A DecimalField whose reads never raise, even for a number too large for its column.

    SQLite stores any number in a DECIMAL(18,4) column; Django then quantizes it with an 18-digit
    context and raises ``decimal.InvalidOperation`` on every read of a row holding 10^15, which
    answered 500 on every page showing it. The context here is wide enough for any stored number,
    so such a row reads as what it holds (and the validation refuses to write one). Migrations see
    a plain DecimalField.
    """

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=self.max_digits + 400)

    def deconstruct(self) -> tuple:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def latest_plausible_year() -> int:
    """Return the latest year figures can exist for: the last year that has ended, in Vietnam's time.

    ``timezone.localdate()`` is the date in TIME_ZONE (Asia/Ho_Chi_Minh); ``date.today()`` would be the
    server clock's date, still the old year until 07:00 in Vietnam on a server running in UTC.
    """
    # TIME_ZONE itself (never activated per request here): cheaper than the current timezone's lookup,
    # which an import of 100,000 rows made 300,000 times (bench/RESULTS.md, import).
    return timezone.localdate(timezone=timezone.get_default_timezone()).year - 1


def year_error(year: int) -> str | None:
    """Return why a year cannot hold figures (outside MIN_YEAR–MAX_YEAR, or not ended yet), or None.

    The one plausible-year rule of the value form, the year sheet and the import.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _("Year %(year)s is outside %(min)s–%(max)s.") % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR}
    if year > latest_plausible_year():
        return _("Year %(year)s has not ended yet: no figures for it can have been published.") % {"year": year}
    return None


def plain_decimal(number: Decimal) -> str:
    """Return a decimal without trailing zeros and never in exponent form (120, not 1.2E+2)."""
    return format(number.normalize(), "f")


class IndicatorGroup(models.TextChoices):
    PAR = "par", _("PAR Index")
    SIPAS = "sipas", _("SIPAS")
    PAPI = "papi", _("PAPI")
    PCI = "pci", _("PCI")
    DIGITAL = "digital", _("Digital government")
    PROCEDURES = "procedures", _("Administrative procedures")
    STAFFING = "staffing", _("Staffing (tinh giản biên chế)")
    ORGANISATION = "organisation", _("Organisation")
    PUBLIC_FINANCE = "public_finance", _("Public finance")
    INSTITUTIONS = "institutions", _("Institutions")
    DIRECTION = "direction", _("Direction and inspection")


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    POINTS = "points", _("points")
    COUNT = "count", _("count")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NEUTRAL = "neutral", _("neutral")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=IndicatorGroup.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        help_text=_("The composite index this is a component of."),
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    measure_unit = models.CharField(_("unit of measure"), max_length=10, choices=MeasureUnit.choices)
    min_value = models.DecimalField(_("minimum"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=18, decimal_places=4, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    levels = models.CharField(
        _("levels"),
        max_length=80,
        help_text=_("Levels the indicator applies to, comma-separated: province,district,commune,ministry,department."),
    )
    methodology = models.TextField(_("methodology"), blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)
    history = HistoricalRecords(verbose_name=_("historical indicator"), verbose_name_plural=_("historical indicators"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["display_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="indicator_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Return the name in the active language."""
        return localised(self.name_vi, self.name_en)

    @property
    def description(self) -> str:
        """Return the description in the active language."""
        return localised(self.description_vi, self.description_en)

    def level_list(self) -> list[str]:
        """Return the levels this indicator applies to."""
        return [lv.strip() for lv in self.levels.replace(";", ",").split(",") if lv.strip()]

    def level_labels(self) -> str:
        """Return the levels as translated words, e.g. 'Province, District'."""
        return ", ".join(str(Level(level).label) for level in self.level_list() if level in Level.values)

    def applies_to(self, level: str) -> bool:
        """Return whether values may be recorded for units of this level."""
        return level in self.level_list()

    def clean(self) -> None:
        unknown = set(self.level_list()) - set(Level.values)
        if unknown or not self.level_list():
            raise ValidationError(
                {"levels": _("Use one or more of: %(levels)s.") % {"levels": ", ".join(Level.values)}}
            )
        self.levels = ",".join(self.level_list())

    def range_error(self, value: Decimal) -> str | None:
        """Return why value is outside the allowed range, or None when it is inside."""
        if self.min_value is not None and value < self.min_value:
            return _("%(value)s is below the minimum %(min)s for %(code)s.") % {
                "value": plain_decimal(value),
                "min": plain_decimal(self.min_value),
                "code": self.code,
            }
        if self.max_value is not None and value > self.max_value:
            return _("%(value)s is above the maximum %(max)s for %(code)s.") % {
                "value": plain_decimal(value),
                "max": plain_decimal(self.max_value),
                "code": self.code,
            }
        if self.measure_unit == MeasureUnit.COUNT and value != value.to_integral_value():
            return _("%(value)s is not a whole number, but %(code)s is a count.") % {
                "value": plain_decimal(value),
                "code": self.code,
            }
        return None


class SeriesBreak(models.Model):
    """A year from which values are not comparable with earlier years (scale or scope change)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="series_breaks"
    )
    year = models.PositiveSmallIntegerField(_("from year"))
    note_vi = models.TextField(_("note (Vietnamese)"))
    note_en = models.TextField(_("note (English)"))

    class Meta:
        verbose_name = _("series break")
        verbose_name_plural = _("series breaks")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="series_break_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"

    @property
    def note(self) -> str:
        """Return the note in the active language."""
        return localised(self.note_vi, self.note_en)


class SourceClass(models.TextChoices):
    """How reliable the host of a source is (shared/data/SOURCES.md, "Source reliability")."""

    OFFICIAL = "official", _("official")
    MAJOR_NEWS = "major_news", _("news")
    REPUBLISHER = "republisher", _("republished")
    OTHER = "other", _("other")


#: Classes whose figures rest on no official or news page: marked wherever the figure is shown.
WEAK_SOURCE_CLASSES = frozenset({SourceClass.REPUBLISHER, SourceClass.OTHER})


class Source(models.Model):
    title = models.CharField(_("title"), max_length=400)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    source_class = models.CharField(
        _("source class"),
        max_length=12,
        choices=SourceClass.choices,
        blank=True,
        help_text=_(
            "Official (government, index owner, state news agency), news (licensed press), republished "
            "(a copy of another outlet's text) or other. Empty: not classified yet."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords(verbose_name=_("historical source"), verbose_name_plural=_("historical sources"))

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]
        constraints = [
            # Loaders find sources by title and URL; the same pair twice is one source.
            models.UniqueConstraint(fields=["title", "url"], name="source_title_url_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class ImportBatch(models.Model):
    """One import run that wrote values: which file, in which format, by whom, when, and what it changed."""

    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=10)
    layout = models.CharField(_("layout"), max_length=10, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source chosen on upload"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        help_text=_("Empty when every row named its own source."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows_created = models.PositiveIntegerField(_("values created"), default=0)
    rows_updated = models.PositiveIntegerField(_("values updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    note = models.TextField(_("note"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A preview or confirm of a large file run by the background worker; its page shows the progress.

    The file waits in the upload folder under ``token``; ``result`` holds what the preview page shows
    (counts, errors, rows), in the language of the person who started the job.
    """

    PREVIEW, CONFIRM = "preview", "confirm"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE)
    token = models.CharField(_("upload"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.SET_NULL, null=True, blank=True)
    decimal = models.CharField(_("decimal separator"), max_length=5, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=[(PREVIEW, _("preview")), (CONFIRM, _("import"))])
    language = models.CharField(_("language"), max_length=10, default="vi")
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.action}, {self.status})"

    @property
    def percent(self) -> int:
        """Return the progress in percent (0–100)."""
        if self.status == ImportJobStatus.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


class Qualifier(models.TextChoices):
    EXACT = "eq", _("exact")
    MORE_THAN = "gt", _("more than")
    LESS_THAN = "lt", _("less than")
    AS_OF = "as_of", _("as of a date")
    CUMULATIVE = "cumulative", _("cumulative over the term")
    DERIVED = "derived", _("derived by arithmetic")


class RankBasis(models.TextChoices):
    """How the published rank was obtained (see SOURCES.md)."""

    STATED = "stated", _("stated by the source")
    ORDER_IMPLIED = "order_implied", _("implied by the order of a list")
    SCORE_ORDER_IMPLIED = "score_order_implied", _("implied by the order of scores")
    DERIVED = "derived", _("derived by arithmetic")


class ValueStatus(models.TextChoices):
    """Publication workflow: draft → submitted → approved; a returned value goes back to draft."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved (published)")


class Value(models.Model):
    """One figure, with its place in the publication workflow.

    Only approved values are public. Correcting an approved value does not touch it: the change is
    a separate row (``correction_of`` → the approved row) that goes through draft → submitted →
    approved while the approved row keeps serving the public; approving it copies the figure onto
    the approved row, keeps the figure it replaces (``previous_value``/``previous_rank``,
    ``corrected_at``) and increments ``version``. ``version`` also guards against lost updates:
    every write compares it in the UPDATE's WHERE clause (see indicators.workflow).
    """

    #: The fields that state a figure: what an import writes onto a stored value, what the API shows of it.
    FIGURE_FIELDS = ("value", "rank", "rank_basis", "qualifier", "note", "source")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = StoredDecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(_("published rank"), null=True, blank=True)
    rank_basis = models.CharField(_("rank basis"), max_length=20, choices=RankBasis.choices, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="values")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="values",
        help_text=_("The import that last wrote this value; empty when it was entered by hand."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    review_comment = models.TextField(
        _("approver's comment"), blank=True, help_text=_("Why the value was returned to its editor.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    correction_of = models.OneToOneField(
        "self",
        verbose_name=_("correction of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="correction",
        help_text=_("The published value this row proposes to correct."),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    previous_value = StoredDecimalField(
        _("value before the correction"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    previous_rank = models.PositiveIntegerField(_("rank before the correction"), null=True, blank=True)
    history = HistoricalRecords(
        historical_queryset=HistoricalValueQuerySet,
        verbose_name=_("historical value"),
        verbose_name_plural=_("historical values"),
    )

    objects = ValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["indicator", "year", "unit__sort_key"]
        permissions = [
            ("submit_value", _("Can submit values for approval")),
            ("approve_value", _("Can approve or return submitted values")),
            ("export_unpublished_value", _("Can export unpublished values")),
        ]
        constraints = [
            # One figure per indicator-unit-year; a pending correction is the one extra row allowed.
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"],
                condition=Q(correction_of__isnull=True),
                name="value_one_per_indicator_unit_year",
            ),
            models.CheckConstraint(
                condition=Q(correction_of__isnull=True) | ~Q(status="approved"), name="value_correction_not_approved"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(rank__isnull=False), name="value_has_number_or_rank"
            ),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="value_rank_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="value_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=False) | Q(rank_basis=""), name="value_rank_basis_needs_rank"
            ),
        ]
        indexes = [
            # Rankings: all values of one indicator-year (the unique constraint covers unit lookups).
            models.Index(fields=["indicator", "year"], name="value_indicator_year_idx"),
            # Profiles: every value of one unit.
            models.Index(fields=["unit", "indicator", "year"], name="value_unit_idx"),
            # Public pages: the published values of one indicator (years with data, rankings);
            # partial, so that drafts and pending corrections do not weigh on it (bench/RESULTS.md).
            models.Index(
                fields=["indicator", "year"],
                condition=Q(status="approved", correction_of__isnull=True),
                name="value_public_ind_year_idx",
            ),
        ]

    def __str__(self) -> str:
        # Callers that list values select_related indicator and unit (no query per row).
        return f"{self.indicator.code} · {self.unit} · {self.year}"

    @property
    def is_official_rank(self) -> bool:
        """Return whether the rank was published (stated or read from a list), not derived."""
        return self.rank is not None and self.rank_basis != RankBasis.DERIVED

    def clean(self) -> None:
        errors = value_errors(
            indicator=self.indicator if self.indicator_id else None,
            unit=self.unit if self.unit_id else None,
            year=self.year,
            value=self.value,
            rank=self.rank,
        )
        if errors:
            raise ValidationError(errors)


def value_errors(
    *,
    indicator: Indicator | None,
    unit: AdministrativeUnit | None,
    year: int | None,
    value: Decimal | None,
    rank: int | None,
    memo: dict[tuple, object] | None = None,
) -> dict[str, list[str]]:
    """Return the data-rule errors of one value by field: range, level, validity, emptiness.

    Shared by model validation, the year sheet and the import so that all three say the same.
    ``memo`` (a dict the caller keeps for one batch of rows) remembers the checks that depend only on
    the year or on the indicator's levels: a file of 100,000 rows names a few years and indicators, and
    the plausible-year check reads the clock in Vietnam's time.
    """
    memo = {} if memo is None else memo
    errors: dict[str, list[str]] = {}
    if value is None and rank is None:
        errors.setdefault("value", []).append(_("Give a value, a published rank, or both."))
    if year is not None:
        key = ("year", year)
        problem = memo[key] if key in memo else memo.setdefault(key, year_error(year))
        if problem:
            errors.setdefault("year", []).append(problem)
    if value is not None and abs(value) >= VALUE_LIMIT:
        errors.setdefault("value", []).append(
            _("%(value)s is too large: a value must stay below 10^14 (100.000.000.000.000) in absolute terms.")
            % {"value": plain_decimal(value)}
        )
    elif value is not None and value != value_rounded(value):
        errors.setdefault("value", []).append(
            _("%(value)s has more than %(places)s decimals; values are stored with %(places)s.")
            % {"value": plain_decimal(value), "places": VALUE_DECIMALS}
        )
    elif indicator is not None and value is not None:
        problem = indicator.range_error(value)
        if problem:
            errors.setdefault("value", []).append(problem)
    if indicator is not None and unit is not None:
        key = ("level", indicator.pk, indicator.levels, unit.level)
        applies = memo[key] if key in memo else memo.setdefault(key, indicator.applies_to(unit.level))
        if not applies:
            errors.setdefault("indicator", []).append(
                _("%(code)s does not apply to the %(level)s level (only: %(levels)s).")
                % {
                    "code": indicator.code,
                    "level": unit.get_level_display(),
                    "levels": ", ".join(indicator.level_list()),
                }
            )
    if unit is not None and year is not None and MIN_YEAR <= year <= MAX_YEAR and not unit.in_force_in_year(year):
        errors.setdefault("year", []).append(
            _("%(unit)s (code %(code)s) was not in force in %(year)s (in force %(period)s).")
            % {"unit": unit.short_name, "code": unit.code, "year": year, "period": unit.validity_label}
        )
    return errors


class DisputedFigure(models.Model):
    """A figure another source gives for a value, which differs from the value's chosen figure.

    The value keeps its chosen figure and source; the other reading is shown beside it with its
    own source, never as a corroboration of the chosen one.
    """

    value = models.ForeignKey(Value, verbose_name=_("value"), on_delete=models.CASCADE, related_name="disputes")
    figure = models.DecimalField(_("disputed figure"), max_digits=18, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(_("disputed rank"), null=True, blank=True)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="disputed_figures"
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why this reading was not chosen."))
    history = HistoricalRecords(
        verbose_name=_("historical disputed figure"), verbose_name_plural=_("historical disputed figures")
    )

    class Meta:
        verbose_name = _("disputed figure")
        verbose_name_plural = _("disputed figures")
        ordering = ["value", "source"]
        constraints = [
            models.UniqueConstraint(fields=["value", "source"], name="disputed_figure_one_per_source"),
            models.CheckConstraint(
                condition=Q(figure__isnull=False) | Q(rank__isnull=False), name="disputed_figure_has_number_or_rank"
            ),
        ]

    def __str__(self) -> str:
        shown = plain_decimal(self.figure) if self.figure is not None else f"#{self.rank}"
        return f"{self.value_id}: {shown} ({self.source_id})"


class YearLock(models.Model):
    """A year of an indicator group closed by a national administrator after publication.

    While it exists, no value of that group and year can be created, changed, submitted, approved
    or deleted, by form, year sheet or import. Deleting the lock unlocks; both are in its history.
    """

    group = models.CharField(_("indicator group"), max_length=20, choices=IndicatorGroup.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords(
        verbose_name=_("historical locked year"), verbose_name_plural=_("historical locked years")
    )

    class Meta:
        verbose_name = _("locked year")
        verbose_name_plural = _("locked years")
        ordering = ["-year", "group"]
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="year_lock_unique")]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.year}"


class AverageScope(models.TextChoices):
    NATIONAL = "national", _("national average")
    REGION = "region", _("regional average")
    NATIONAL_MIN = "national_min", _("national minimum")
    NATIONAL_MAX = "national_max", _("national maximum")
    MINISTRIES = "ministries", _("average of the ministries")


class PublishedAverage(models.Model):
    """A national or regional figure as published by the index's owner (never computed here).

    Averages computed from the values we hold are labelled as such, with their unit count,
    by the selectors; this table holds only the official figures and their sources.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="published_averages"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=14, choices=AverageScope.choices)
    region = models.CharField(_("region"), max_length=24, choices=Region.choices, blank=True)
    value = StoredDecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="published_averages"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("published average")
        verbose_name_plural = _("published averages")
        ordering = ["indicator", "year", "scope", "region"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "scope", "region"], name="published_average_unique"),
            models.CheckConstraint(
                condition=(Q(scope="region") & ~Q(region="")) | (~Q(scope="region") & Q(region="")),
                name="published_average_region_iff_regional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.scope} {self.region}".strip()


class RankingRow(models.Model):
    """One unit's place in the rankings of one indicator-year: computed once per publication, read by the pages.

    Derived data, never edited: indicators.ranking_summary rebuilds the rows of an indicator-year from the public
    values in the transaction that publishes, changes or deletes one of them (indicators.services), and
    ``manage.py rebuildranks`` rebuilds them all. Every unit in force in the year at a level where the
    indicator has a public value that year has a row, with or without a value of its own (units without one
    are listed last). Three scopes, three sets of ranks (standard competition ranks, the indicator's direction):
    the level nationally, within the unit's province (districts, communes, departments) and within its region.
    previous_rank/rank_change compare like for like within each scope: among the units with a value in both
    years. The published figure's own rank, basis, qualifier and source are copied from the value.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    #: The province holding the unit (the ``within`` of district, commune and department rankings).
    province = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    region = models.CharField(max_length=24, blank=True)
    value_id = models.IntegerField(null=True, blank=True)  # the public Value row, if the unit has one
    value = StoredDecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    previous_value = StoredDecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    published_rank = models.PositiveIntegerField(null=True, blank=True)
    rank_basis = models.CharField(max_length=20, null=True, blank=True)
    qualifier = models.CharField(max_length=12, null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    rank = models.PositiveIntegerField(null=True, blank=True)
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    rank_change = models.IntegerField(null=True, blank=True)
    province_rank = models.PositiveIntegerField(null=True, blank=True)
    province_previous_rank = models.PositiveIntegerField(null=True, blank=True)
    province_rank_change = models.IntegerField(null=True, blank=True)
    region_rank = models.PositiveIntegerField(null=True, blank=True)
    region_previous_rank = models.PositiveIntegerField(null=True, blank=True)
    region_rank_change = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["indicator", "year", "level", "rank"], name="rankingrow_national_idx"),
            models.Index(
                fields=["indicator", "year", "level", "province", "province_rank"], name="rankingrow_province_idx"
            ),
            models.Index(fields=["indicator", "year", "level", "region", "region_rank"], name="rankingrow_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.level} {self.unit_id}: {self.rank}"


class RankingAverage(models.Model):
    """The mean of the values of one ranking scope with its n, and the scope's counts (derived, like RankingRow;
    official averages live in PublishedAverage). Scope: the level nationally (no province, no region), one
    province, or one region. The ranking page reads its counts and averages here in one query."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    province = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    region = models.CharField(max_length=24, blank=True)
    value = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)  # the units with a value: the mean's n
    n_units = models.PositiveIntegerField(default=0)  # the units of the scope, with a value or not
    n_figures = models.PositiveIntegerField(default=0)  # the units with a value or a published rank
    n_published = models.PositiveIntegerField(default=0)  # the units with a published rank

    class Meta:
        indexes = [models.Index(fields=["indicator", "year", "level"], name="rankingaverage_key_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.level} {self.province_id or self.region or 'national'}"
