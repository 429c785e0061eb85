"""Check candidate rows against units, the catalogue, sources and stored values, in memory.

Every problem becomes a ``RowError`` naming the line, the column and the reason; the same data
rules as the admin apply through ``indicators.models.value_errors``.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from indicators.importing.columns import close_codes
from indicators.importing.rows import Candidate, Cell, is_empty, rank_parse, year_parse
from indicators.models import (
    Indicator,
    MeasureUnit,
    Qualifier,
    RankBasis,
    Source,
    SourceClass,
    Value,
    plain_decimal,
    value_errors,
    value_rounded,
    year_error,
)
from indicators.numbers import Convention, NumberFormatError, parse_number
from indicators.services import StoredValue
from provinces.models import AdministrativeUnit, Level
from provinces.resolver import UnitAmbiguous, UnitIndex, UnitResolveError

LEVEL_WORDS = {
    "province": Level.PROVINCE,
    "tinh": Level.PROVINCE,
    "tỉnh": Level.PROVINCE,
    "cap tinh": Level.PROVINCE,
    "district": Level.DISTRICT,
    "huyen": Level.DISTRICT,
    "huyện": Level.DISTRICT,
    "cap huyen": Level.DISTRICT,
    "commune": Level.COMMUNE,
    "xa": Level.COMMUNE,
    "xã": Level.COMMUNE,
    "cap xa": Level.COMMUNE,
    "ministry": Level.MINISTRY,
    "bo": Level.MINISTRY,
    "bộ": Level.MINISTRY,
    "department": Level.DEPARTMENT,
    "so": Level.DEPARTMENT,
    "sở": Level.DEPARTMENT,
}
QUALIFIER_WORDS = {"=": Qualifier.EXACT, "exact": Qualifier.EXACT, ">": Qualifier.MORE_THAN, "<": Qualifier.LESS_THAN}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column “%(column)s”: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


_NOTHING: Mapping[str, object] = MappingProxyType({})


@dataclass(slots=True)
class Planned:
    """One valid row: the figure it states and what importing it would do to the stored value."""

    UPDATE_FIELDS = [
        *Value.FIGURE_FIELDS,
        "updated_by",
        "updated_at",
        "import_batch",
    ]

    line: int
    unit: AdministrativeUnit
    indicator: Indicator
    year: int
    value: Decimal | None
    rank: int | None
    rank_basis: str
    qualifier: str | None
    note: str | None
    source_key: tuple[str, str]
    existing: StoredValue | None = None
    action: str = "create"
    #: The stored fields the row changes, with their stored value (set by classify; one shared empty mapping
    #: until then: a dict per row was 12 MB of a 200,000-row preview).
    old: Mapping[str, object] = field(default_factory=lambda: _NOTHING)
    source_changed: bool = False
    #: The title of the stored source a changed source replaces (for the preview).
    old_source: str = ""
    #: The file's own headers of the unit and year columns, for the errors found after validation.
    unit_column: str = "unit"
    year_column: str = "year"

    def __str__(self) -> str:
        return self.describe()

    @property
    def unit_label(self) -> str:
        """Return the unit's full name with its level, code and parent: which unit the figure lands on."""
        values = {
            "name": self.unit.name or self.unit.short_name,
            "level": str(self.unit.get_level_display()).lower(),
            "code": self.unit.code,
        }
        parent = self.unit.parent if self.unit.parent_id else None
        if parent is not None:
            return _("%(name)s (%(level)s %(code)s in %(parent)s)") % {**values, "parent": parent.name}
        return _("%(name)s (%(level)s %(code)s)") % values

    def describe(self) -> str:
        """Return the row as one line of text in the active language: the unit, year, indicator and change."""
        text = _("line %(line)s: %(unit)s · %(year)s · %(code)s: ") % {
            "line": self.line,
            "unit": self.unit_label,
            "year": self.year,
            "code": self.indicator.code,
        }
        if self.old or self.source_changed:
            new = self.merged(self.existing)
            changes = [
                f"{_field_label(name)} {value_show(old)} → {value_show(new[name])}" for name, old in self.old.items()
            ]
            if self.source_changed:
                changes.append(_("source → %(title)s") % {"title": self.source_key[0]})
            return text + ", ".join(changes)
        return text + _("value %(value)s, rank %(rank)s") % {
            "value": value_show(self.value),
            "rank": value_show(self.rank),
        }

    def merged(self, existing: StoredValue | None) -> dict[str, object]:
        """Return the stored fields after this row: what the file states over what is stored."""
        base = {"value": None, "rank": None, "qualifier": Qualifier.EXACT, "note": ""}
        if existing is not None:
            base = {name: getattr(existing, name) for name in base}
        result = {
            "value": self.value if self.value is not None else base["value"],
            "rank": self.rank if self.rank is not None else base["rank"],
            "qualifier": self.qualifier if self.qualifier is not None else base["qualifier"],
            "note": self.note if self.note is not None else base["note"],
        }
        if self.rank is not None:
            result["rank_basis"] = self.rank_basis or RankBasis.STATED
        else:
            result["rank_basis"] = existing.rank_basis if existing is not None and result["rank"] is not None else ""
        return result


def _field_label(name: str) -> str:
    """Return the translated name of a Value field (value → giá trị)."""
    try:
        return str(Value._meta.get_field(name).verbose_name)
    except Exception:
        return name


def value_show(value: object) -> str:
    """Return a stored or planned field as short text for previews ("—" when empty)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)


class Validator:
    """Validate candidate rows one by one against in-memory indexes, collecting every error."""

    def __init__(
        self,
        *,
        indicators: dict[str, Indicator],
        convention: Convention | None,
        default_source: Source | None,
        units: UnitIndex | None = None,
    ) -> None:
        self.indicators = indicators
        self.indicators_lower = {code.lower(): ind for code, ind in indicators.items()}
        self.convention = convention
        self.default_source = default_source
        self.errors: list[RowError] = []
        self._error_lines: set[int] = set()
        self._seen: dict[tuple[int, int], dict[int, int]] = {}  # (indicator, year) → unit → first line
        self._years: dict[tuple[type, object], tuple[int | None, str]] = {}
        self._resolved: dict[tuple, AdministrativeUnit | UnitResolveError] = {}
        self.no_figure_lines: list[int] = []
        self._units = units  # built on the first row that needs it: one query for every unit
        self.sources: dict[tuple[str, str], dict[str, object]] = {}
        self._source_keys: dict[tuple[str, str], tuple[str, str]] = {}
        self._rules_memo: dict[tuple, object] = {}  # value_errors' per-year and per-level checks, once per file

    # -- errors -------------------------------------------------------------------------------
    def error(self, cell: Cell | None, message: str, *, line: int = 0, column: str = "") -> None:
        """Record an error at a cell (or at a line and column when the cell is absent)."""
        line = cell.line if cell else line
        self.errors.append(RowError(line, cell.column if cell else column, str(message)))
        self._error_lines.add(line)

    def errors_of(self, line: int) -> bool:
        """Return whether a line has an error."""
        return line in self._error_lines

    # -- one row ------------------------------------------------------------------------------
    def validate(self, c: Candidate) -> Planned | None:
        """Return the planned figure of a row, or None when the row is empty or wrong (errors recorded)."""
        if not self._has_figure(c):
            return None
        before = len(self.errors)
        year = self._year(c)
        indicator = self._indicator(c)
        unit = self._unit(c, year, indicator) if year is not None else None
        value = self._value(c, indicator)
        rank = self._rank(c)
        rank_basis = self._choice(c, "rank_basis", RankBasis, {})
        qualifier = self._qualifier(c)
        source_key = self._source(c)
        if len(self.errors) > before or None in (year, indicator, unit, source_key):
            return None
        self._check_rules(c, indicator=indicator, unit=unit, year=year, value=value, rank=rank)
        if len(self.errors) > before:
            return None
        note = c.text("note") if "note" in c.texts else None
        unit_cell = c.unit if not is_empty(c.unit) else c.unit_code
        return Planned(
            c.line,
            unit,
            indicator,
            year,
            value,
            rank,
            rank_basis or "",
            qualifier,
            note,
            source_key,
            unit_column=unit_cell.column if unit_cell else "unit",
            year_column=c.year.column,
        )

    def _has_figure(self, c: Candidate) -> bool:
        """Return whether the row holds a figure to check; a broken cell, "N/A" or an empty figure do not."""
        if c.swallowed is not None:
            self.error(
                c.swallowed,
                _(
                    'This cell runs over a line break and holds what looks like the next row: a quote (") '
                    "is not closed. Close the quote or remove it."
                ),
            )
            return False
        if is_empty(c.value) and is_empty(c.rank) and _states_no_figure(c):
            # "N/A" or "-" states that no figure exists: skipped (and listed), once the row's unit,
            # year and indicator are known to be right.
            before = len(self.errors)
            year, indicator = self._year(c), self._indicator(c)
            if year is not None and self._unit(c, year, indicator) is not None and len(self.errors) == before:
                self.no_figure_lines.append(c.line)
            return False
        if is_empty(c.value) and is_empty(c.rank):
            self.error(
                c.value or c.rank,
                _("No value and no rank: %(reason)s. Only an entirely empty row may be skipped.")
                % {"reason": c.empty_reason or _("the value and rank cells are empty")},
                line=c.line,
                column="value",
            )
            return False
        return True

    def _qualifier(self, c: Candidate) -> str | None:
        """Return the row's qualifier: its own column, else a leading < or > of the value."""
        qualifier = self._choice(c, "qualifier", Qualifier, QUALIFIER_WORDS)
        if qualifier is None and isinstance(c.value and c.value.text, str) and c.value.text.strip()[:1] in ("<", ">"):
            qualifier = Qualifier.MORE_THAN if c.value.text.strip()[0] == ">" else Qualifier.LESS_THAN
        return qualifier

    def _check_rules(self, c: Candidate, *, indicator, unit, year: int, value, rank) -> None:
        """Record the data rules' errors (value_errors) and a duplicate of an earlier row of the file."""
        rules = value_errors(indicator=indicator, unit=unit, year=year, value=value, rank=rank, memo=self._rules_memo)
        for name, messages in rules.items():
            column = {"value": c.value, "year": c.year, "indicator": c.indicator}.get(name) or c.rank
            for message in messages:
                self.error(column, message, line=c.line, column=name)
        # By indicator-year, then unit: no key tuple per row (12 MB of a 200,000-row preview).
        seen = self._seen.setdefault((indicator.pk, year), {})
        if unit.pk in seen:
            self.error(
                c.indicator,
                _("Duplicate row: %(unit)s, %(year)s, %(code)s is already on line %(line)s.")
                % {"unit": unit.short_name, "year": year, "code": indicator.code, "line": seen[unit.pk]},
            )
        seen.setdefault(unit.pk, c.line)

    def _year(self, c: Candidate) -> int | None:
        text = c.year.text
        key = (type(text), text)
        if key not in self._years:  # a file holds a few distinct years: each is read and checked once
            self._years[key] = self._year_read(text)
        year, problem = self._years[key]
        if problem:
            self.error(c.year, problem)
        return year

    @staticmethod
    def _year_read(text: object) -> tuple[int | None, str]:
        """Return (year, "") or (None, why the cell is not a year that can hold figures)."""
        try:
            year = year_parse(text)
        except (ValueError, TypeError):
            return None, _("“%(text)s” is not a year (write it as 2023).") % {"text": text}
        problem = year_error(year)
        return (None, problem) if problem else (year, "")

    def _indicator(self, c: Candidate) -> Indicator | None:
        text = str(c.indicator.text or "").strip()
        indicator = self.indicators_lower.get(text.lower())
        if indicator is None:
            close = close_codes(text, set(self.indicators))
            hint = _("; did you mean %(close)s?") % {"close": ", ".join(close)} if close else "."
            self.error(c.indicator, _("Unknown indicator code “%(text)s”") % {"text": text} + hint)
        return indicator

    def _unit(self, c: Candidate, year: int, indicator: Indicator | None = None) -> AdministrativeUnit | None:
        if self._units is None:
            self._units = UnitIndex.build()
        level = None
        if level_text := c.text("level"):
            level = LEVEL_WORDS.get(level_text.lower())
            if level is None:
                self.error(
                    c.texts["level"],
                    _("Unknown level “%(text)s”: use province, district or commune.") % {"text": level_text},
                )
                return None
        parent = None
        if parent_text := c.text("parent"):
            try:
                parent = self._units.resolve(parent_text, year=year)
            except UnitResolveError as exc:
                self.error(c.texts["parent"], _resolve_message(parent_text, exc))
                return None
        found: list[tuple[Cell, AdministrativeUnit]] = []
        for cell in (c.unit_code, c.unit):
            if is_empty(cell):
                continue
            text = str(cell.text).strip()
            if isinstance(cell.text, float) and cell.text == int(cell.text):
                text = str(int(cell.text))
            try:
                found.append((cell, self._resolve_implied(text, year, level or c.level_hint, indicator, parent)))
            except UnitResolveError as exc:
                self.error(cell, _resolve_message(text, exc))
                return None
        if not found:
            self.error(None, _("No unit: give the unit's name or code."), line=c.line, column="unit")
            return None
        if len(found) == 2 and found[0][1].pk != found[1][1].pk:
            (code_cell, by_code), (_name_cell, by_name) = found
            self.error(
                code_cell,
                _("Code %(code)s is %(by_code)s in %(year)s, but the name column says %(by_name)s.")
                % {"code": code_cell.text, "by_code": by_code.short_name, "year": year, "by_name": by_name.short_name},
            )
            return None
        return found[0][1]

    def _resolve_implied(
        self,
        text: str,
        year: int,
        level: str | None,
        indicator: Indicator | None,
        parent: AdministrativeUnit | None,
    ) -> AdministrativeUnit:
        """Resolve at the level the file states, else the one the indicator implies (province for PAR Index).

        A name found only at another level than the indicator's is returned, for value_errors to say that the
        indicator does not apply there: an error either way, never a figure on a unit of the wrong level.
        """
        implied = _single_level(indicator) if level is None else None
        key = (text, year, level, implied, parent.pk if parent is not None else None)
        if key not in self._resolved:  # a unit named on many rows (one per indicator) is resolved once
            try:
                self._resolved[key] = self._resolve_uncached(text, year, level, implied, parent)
            except UnitResolveError as exc:
                self._resolved[key] = exc
        found = self._resolved[key]
        if isinstance(found, UnitResolveError):
            raise found.with_traceback(None)  # a fresh traceback each time, not one growing with every row
        return found

    def _resolve_uncached(
        self, text: str, year: int, level: str | None, implied: str | None, parent: AdministrativeUnit | None
    ) -> AdministrativeUnit:
        if implied is None:
            return self._resolve(text, year=year, level=level, parent=parent)
        try:
            return self._resolve(text, year=year, level=implied, parent=parent)
        except UnitResolveError as exc:
            try:
                return self._resolve(text, year=year, level=None, parent=parent)
            except UnitResolveError:
                raise exc from None

    def _resolve(
        self, text: str, *, year: int, level: str | None, parent: AdministrativeUnit | None
    ) -> AdministrativeUnit:
        """Resolve a unit; with no level anywhere, a name shared with districts or communes means the province.

        With no level given, a name that resolves to a district or commune but also names a unit of another
        level at some date (Long An, a province until 30/06/2025 and a commune of Tây Ninh after) is
        ambiguous: the figure could belong to either, so it is never matched silently.
        """
        try:
            unit = self._units.resolve(text, year=year, level=level, parent=parent)
        except UnitAmbiguous:
            if level is not None or parent is not None:
                raise
            try:
                return self._units.resolve(text, year=year, level=Level.PROVINCE)
            except UnitResolveError:
                pass
            raise
        if level is None and parent is None and unit.level != Level.PROVINCE and not text.isdigit():
            others = [u for u in self._units.named(text) if u.level != unit.level]
            if others:
                raise UnitAmbiguous(
                    _(
                        "“%(text)s” is %(unit)s in %(year)s, but the name is also %(others)s. Add a level column "
                        "(province, district or commune), a parent column or the unit's code."
                    )
                    % {
                        "text": text,
                        "unit": self._units.label(unit),
                        "year": year,
                        "others": "; ".join(self._units.label(u) for u in others[:3]),
                    },
                    [unit, *others],
                )
        return unit

    def _value(self, c: Candidate, indicator: Indicator | None) -> Decimal | None:
        if is_empty(c.value):
            return None
        text = c.value.text
        if isinstance(text, str) and text.strip()[:1] in "<>" and text.strip():
            text = text.strip()[1:]
        try:
            parsed = parse_number(text, convention=self.convention)
        except NumberFormatError as exc:
            self.error(c.value, str(exc))
            return None
        if parsed.percent and indicator is not None and indicator.measure_unit != MeasureUnit.PERCENT:
            self.error(
                c.value,
                _("“%(text)s” has a percent sign, but %(code)s is measured in %(unit)s.")
                % {"text": c.value.text, "code": indicator.code, "unit": indicator.get_measure_unit_display()},
            )
        if parsed.value is not None and parsed.value != value_rounded(parsed.value):
            # Stored with 4 decimals: rounded here, so a re-import compares equal and is "unchanged".
            return value_rounded(parsed.value)
        return parsed.value

    def _rank(self, c: Candidate) -> int | None:
        if is_empty(c.rank):
            return None
        try:
            return rank_parse(c.rank.text)
        except (ValueError, TypeError):
            self.error(
                c.rank, _("“%(text)s” is not a rank (a whole number from 1, e.g. 15 or 15/63).") % {"text": c.rank.text}
            )
            return None

    def _choice(self, c: Candidate, name: str, choices: type, words: dict[str, str]) -> str | None:
        text = c.text(name)
        if not text:
            return None
        by_text = {v.lower(): v for v in choices.values} | {str(label).lower(): v for v, label in choices.choices}
        chosen = words.get(text.lower()) or by_text.get(text.lower())
        if chosen is None:
            self.error(
                c.texts[name],
                _("“%(text)s” is not one of: %(allowed)s.") % {"text": text, "allowed": ", ".join(choices.values)},
            )
            return None
        if name == "qualifier" and is_empty(c.rank) and is_empty(c.value):
            return None
        return chosen

    def _source(self, c: Candidate) -> tuple[str, str] | None:
        title, url = c.text("source_title"), c.text("source_url")
        if not title and not url:
            if self.default_source is None:
                self.error(
                    None,
                    _(
                        "No source: choose a source for the whole file, or fill source_title and "
                        "source_url in this row."
                    ),
                    line=c.line,
                    column="source_title",
                )
                return None
            key = (self.default_source.title, self.default_source.url)
            key = self._source_keys.setdefault(key, key)
            # A source typed on the command line is saved only if the import writes.
            self.sources.setdefault(key, {"object": self.default_source} if self.default_source.pk else {})
            return key
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                self.error(
                    c.texts["source_url"], _("“%(url)s” is not a web address (http:// or https://).") % {"url": url}
                )
                return None
        source_class = self._choice(c, "source_class", SourceClass, {"news": SourceClass.MAJOR_NEWS})
        if c.text("source_class") and source_class is None:
            return None
        key = ((title or url)[:400], url)
        key = self._source_keys.setdefault(key, key)  # one tuple per source, not one per row
        if key not in self.sources:
            self.sources[key] = self._source_details(c)
        if source_class:
            self.sources[key]["source_class"] = source_class
        return key

    def _source_details(self, c: Candidate) -> dict[str, object]:
        details: dict[str, object] = {"publisher": c.text("source_publisher")[:200], "note": c.text("source_details")}
        date_text = c.text("source_date")
        if date_text:
            try:
                details["published_on"] = datetime.date.fromisoformat(date_text)
            except ValueError:
                # Sources often give only a year (a yearly report): keep it in the note, not as a made-up day.
                details["note"] = "; ".join(
                    filter(None, [details["note"], _("published %(date)s") % {"date": date_text}])
                )
        return details

    def rows_done(self) -> None:
        """Forget what only the row checks need (every duplicate is found once the last row is checked)."""
        self._seen.clear()

    # -- the whole file -----------------------------------------------------------------------
    def classify(self, planned: list[Planned], *, prefer_corrections: bool = True) -> None:
        """Compare planned rows with stored values (one query) and set each row's action.

        A pending correction of a published value is the stored value a staff file changes;
        the loaders of published figures (``prefer_corrections=False``) compare with the published row.
        """
        if not planned:
            return
        self._sources_lookup()
        # Tuples, not model instances: a file changing 100,000 stored figures reads them all.
        stored = StoredValue.read(
            Value.objects.filter(indicator_id__in={p.indicator.pk for p in planned}, year__in={p.year for p in planned})
        )
        by_key: dict[tuple[int, int, int], StoredValue] = {}
        for v in stored:
            if v.correction_of_id is not None and not prefer_corrections:
                continue
            key = (v.indicator_id, v.unit_id, v.year)
            if key not in by_key or v.correction_of_id is not None:
                by_key[key] = v
        for p in planned:
            existing = by_key.get((p.indicator.pk, p.unit.pk, p.year))
            p.existing = existing
            if existing is None:
                p.action = "create"
                continue
            source = self.sources[p.source_key].get("object")
            new = p.merged(existing) | {"source_id": source.pk if source else None}
            old = {name: getattr(existing, name) for name in new}
            p.old = {k: old[k] for k in new if new[k] != old[k] and k != "source_id"}
            p.source_changed = new["source_id"] != old["source_id"]
            p.action = "update" if new != old else "unchanged"
        if replaced := {p.existing.source_id for p in planned if p.source_changed}:
            titles = dict(Source.objects.filter(pk__in=replaced).values_list("pk", "title"))
            for p in planned:
                if p.source_changed:
                    p.old_source = titles[p.existing.source_id]

    def _sources_lookup(self) -> None:
        titles = {title for title, _url in self.sources}
        for source in Source.objects.filter(title__in=titles):
            if (source.title, source.url) in self.sources:
                self.sources[(source.title, source.url)]["object"] = source

    def new_source_labels(self, planned: list[Planned]) -> list[str]:
        """Return the sources the import would create."""
        used = {p.source_key for p in planned if p.action != "unchanged"}
        return [
            f"{title} <{url}>" if url else title for (title, url) in used if "object" not in self.sources[(title, url)]
        ]

    def source_classes_changed(self) -> list[Source]:
        """Return the stored sources whose class the file states differently (after classify)."""
        return [
            entry["object"]
            for entry in self.sources.values()
            if "object" in entry
            and entry.get("source_class")
            and entry["object"].pk
            and entry["object"].source_class != entry["source_class"]
        ]

    def sources_save(self, planned: list[Planned]) -> dict[tuple[str, str], Source]:
        """Create the sources that do not exist yet, set the classes the file states, return them by (title, url)."""
        for source in self.source_classes_changed():
            source.source_class = self.sources[(source.title, source.url)]["source_class"]
            source._change_reason = "import: source class"  # history data, not UI text
            source.save(update_fields=["source_class"])
        result = {}
        for key in {p.source_key for p in planned}:
            entry = self.sources[key]
            if "object" not in entry:
                title, url = key
                entry["object"], _created = Source.objects.get_or_create(title=title, url=url, defaults=entry)
            result[key] = entry["object"]
        return result


def _states_no_figure(c: Candidate) -> bool:
    """Return whether the value or rank cell holds a marker such as N/A or "-" (not a blank)."""
    return any(
        cell is not None and isinstance(cell.text, str) and cell.text.strip() != "" for cell in (c.value, c.rank)
    )


def _single_level(indicator: Indicator | None) -> str | None:
    """Return the level an indicator implies when it applies to one level only (PAR Index: province)."""
    levels = indicator.level_list() if indicator is not None else []
    return levels[0] if len(levels) == 1 and levels[0] in Level.values else None


def _resolve_message(text: str, exc: Exception) -> str:
    message = str(getattr(exc, "message", "") or exc)
    candidates = list(getattr(exc, "candidates", None) or [])
    names = [f"{u.short_name} ({u.code})" if hasattr(u, "short_name") else str(u) for u in candidates[:5]]
    if names and not all(n.split(" (")[0] in message for n in names):
        message = f"{message} " + _("Closest matches: %(names)s.") % {"names": ", ".join(names)}
    if text not in message:
        message = f"“{text}”: {message}"
    return message
