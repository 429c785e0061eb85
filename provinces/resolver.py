"""Find the administrative unit that a text names: the resolver behind every import and search.

A text is either a GSO code or a name. A code means a unit only together with a date (province
24 is Bắc Giang until 30/06/2025, the new Bắc Ninh after). A name matches a unit's short name,
official name or an alias, ignoring case, diacritics, tone-mark placement, spaces and hyphens,
with or without a type prefix ("Tỉnh", "TP.", "Huyện" …). A prefix narrows the candidates to the
units of that type ("Thành phố Thanh Hóa" is the city, not the province), or of that level when no
unit of the type fits (sources still write "huyện" for a district that has become a town).

The resolver never guesses: a text that still names several units after the date, level and
parent are applied raises UnitAmbiguous naming all of them; one that names none raises
UnitNotFound with the closest names. Build one UnitIndex per import (one query) and call
resolve() per row; unit_resolve() is for a single lookup.
"""

import datetime
import difflib
import functools
import re
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from provinces.models import AdministrativeUnit, Level, UnitType, year_reference_date
from provinces.text import fold, fold_compact, nfc, tone_key

#: Width of GSO codes per level; shorter codes are zero-padded when the level is known.
#: Agencies have no GSO code: ministries use 4 digits and departments 5 (province code + 3), see docs/appraisal.md.
CODE_WIDTHS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5, Level.MINISTRY: 4, Level.DEPARTMENT: 5}

LEVEL_OF_TYPE = {
    UnitType.CENTRAL_CITY: Level.PROVINCE,
    UnitType.PROVINCE: Level.PROVINCE,
    UnitType.URBAN_DISTRICT: Level.DISTRICT,
    UnitType.RURAL_DISTRICT: Level.DISTRICT,
    UnitType.TOWN: Level.DISTRICT,
    UnitType.CITY: Level.DISTRICT,
    UnitType.WARD: Level.COMMUNE,
    UnitType.COMMUNE: Level.COMMUNE,
    UnitType.TOWNSHIP: Level.COMMUNE,
    UnitType.SPECIAL_ZONE: Level.COMMUNE,
    UnitType.MINISTRY: Level.MINISTRY,
    UnitType.MINISTRY_LEVEL_AGENCY: Level.MINISTRY,
    UnitType.DEPARTMENT: Level.DEPARTMENT,
    UnitType.DEPARTMENT_EQUIVALENT: Level.DEPARTMENT,
}

# Name prefixes and the unit types they name. "Thành phố"/"TP." is both a centrally-run city
# (province level) and a provincial city (district level).
_PREFIXES = (
    ("thành phố", frozenset({UnitType.CENTRAL_CITY, UnitType.CITY})),
    ("tp", frozenset({UnitType.CENTRAL_CITY, UnitType.CITY})),
    ("tỉnh", frozenset({UnitType.PROVINCE})),
    ("quận", frozenset({UnitType.URBAN_DISTRICT})),
    ("huyện", frozenset({UnitType.RURAL_DISTRICT})),
    ("thị xã", frozenset({UnitType.TOWN})),
    ("thị trấn", frozenset({UnitType.TOWNSHIP})),
    ("phường", frozenset({UnitType.WARD})),
    ("xã", frozenset({UnitType.COMMUNE})),
    ("đặc khu", frozenset({UnitType.SPECIAL_ZONE})),
)
_PREFIXES_BY_FIRST_WORD: dict[str, list[tuple[list[str], frozenset[str]]]] = {}
for _prefix, _types in _PREFIXES:
    _PREFIXES_BY_FIRST_WORD.setdefault(fold(_prefix).split()[0], []).append((_prefix.split(), _types))
_LEVEL_ORDER = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.MINISTRY: 3, Level.DEPARTMENT: 4}
_WORDS = re.compile(r"\w+")
_Fits = Callable[[AdministrativeUnit], bool]


class UnitResolveError(ValueError):
    """A text does not name exactly one unit; ``message`` says why, ``candidates`` lists the units concerned."""

    def __init__(self, message: str, candidates: list[AdministrativeUnit] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates or [])


class UnitNotFound(UnitResolveError):
    """No unit fits; the message names up to three closest matches."""


class UnitAmbiguous(UnitResolveError):
    """Several units fit; the message names every one with its level, code and validity."""


@functools.lru_cache(maxsize=4096)
def _word_forms(word: str) -> tuple[str, str]:
    """Return (folded, tone key) of one word; cached because names repeat few words."""
    return fold(word), tone_key(word)


def _word_is(word: str, prefix_word: str) -> bool:
    # Typed without diacritics, or with them (either tone placement) — but "tĩnh" is not "tỉnh".
    folded, tones = _word_forms(prefix_word)
    return word == folded or (not word.isascii() and _word_forms(word) == (folded, tones))


def _prefix_split(text: str) -> tuple[frozenset[str] | None, str]:
    """Return (unit types named by the text's prefix, the rest), or (None, text) without a prefix."""
    words = _WORDS.findall(nfc(text).lower())
    if len(words) < 2:
        return None, text
    for prefix_words, types in _PREFIXES_BY_FIRST_WORD.get(_word_forms(words[0])[0], ()):
        head = words[: len(prefix_words)]
        if len(words) > len(prefix_words) and all(map(_word_is, head, prefix_words)):
            return types, " ".join(words[len(prefix_words) :])
    return None, text


def _has_marks(text: str) -> bool:
    return any(ord(char) > 127 and char.isalpha() for char in text)


def _tone_compact(text: str) -> str:
    return tone_key(text).replace(" ", "")


def _date_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


class UnitIndex:
    """Units held in memory, indexed by code and by every folded name, for many lookups."""

    def __init__(self, units: list[AdministrativeUnit]) -> None:
        self._units = units
        self._by_id = {unit.pk: unit for unit in units}
        parent_field = AdministrativeUnit._meta.get_field("parent")
        self._by_code: dict[tuple[str, str], list[AdministrativeUnit]] = {}
        self._by_key: dict[str, list[AdministrativeUnit]] = {}
        self._tone_keys: dict[int, set[str]] = {}
        for unit in units:
            # Share one instance per parent, so that parent chains need no query.
            if unit.parent_id in self._by_id:
                parent_field.set_cached_value(unit, self._by_id[unit.parent_id])
            self._by_code.setdefault((unit.level, unit.code), []).append(unit)
            for key in {fold_compact(name) for name in self._names(unit)}:
                self._by_key.setdefault(key, []).append(unit)

    @classmethod
    def build(cls, queryset: QuerySet | None = None) -> "UnitIndex":
        """Return an index of the given units (default: all units), loaded in one query."""
        queryset = AdministrativeUnit.objects.all() if queryset is None else queryset
        return cls(list(queryset.select_related("parent").order_by()))

    @staticmethod
    def _names(unit: AdministrativeUnit) -> list[str]:
        """Return every name of a unit, also without its type prefix."""
        names = [unit.short_name, unit.name, *unit.alias_list()]
        return names + [rest for types, rest in map(_prefix_split, names) if types]

    def resolve(
        self,
        text: str,
        *,
        year: int | None = None,
        on: datetime.date | None = None,
        level: str | None = None,
        parent: AdministrativeUnit | None = None,
    ) -> AdministrativeUnit:
        """Return the one unit that the text names at that date, level and parent; raise UnitResolveError if not one."""
        if year is not None and on is not None:
            raise TypeError("Give either year or on, not both.")
        if level is not None and level not in CODE_WIDTHS:
            raise ValueError(f"Unknown level {level!r}; use one of {', '.join(CODE_WIDTHS)}.")
        day = year_reference_date(year) if year is not None else on
        cleaned = nfc(text)
        if not cleaned:
            raise UnitNotFound(_("No unit name or code was given."))

        def fits(unit: AdministrativeUnit) -> bool:
            return (
                (day is None or unit.in_force_on(day))
                and (level is None or unit.level == level)
                and (parent is None or any(a.pk == parent.pk for a in self._ancestors(unit)))
            )

        if cleaned.isdigit():
            named = self._code_matches(cleaned, level)
            candidates = [unit for unit in named if fits(unit)]
        else:
            named, candidates = self._name_matches(cleaned, fits)
        if len(candidates) > 1 and _has_marks(cleaned):
            candidates = self._marks_preferred(cleaned, candidates)
        if len(candidates) == 1:
            return candidates[0]
        filters = self._filters_text(day, level, parent)
        if candidates:
            raise UnitAmbiguous(
                _(
                    '"%(text)s" matches %(count)d units%(filters)s: %(units)s. '
                    "Give the level, the date or the parent unit."
                )
                % {"text": cleaned, "count": len(candidates), "filters": filters, "units": self._labels(candidates)},
                self._sorted(candidates),
            )
        if named:
            raise UnitNotFound(
                _('"%(text)s" matches no unit%(filters)s. It names: %(units)s.')
                % {"text": cleaned, "filters": filters, "units": self._labels(named, limit=10)},
                self._sorted(named),
            )
        close = self._closest(cleaned, fits)
        if close:
            raise UnitNotFound(
                _('"%(text)s" matches no unit%(filters)s. Did you mean: %(units)s?')
                % {"text": cleaned, "filters": filters, "units": self._labels(close)},
                close,
            )
        raise UnitNotFound(_('"%(text)s" matches no unit%(filters)s.') % {"text": cleaned, "filters": filters})

    def named(self, text: str) -> list[AdministrativeUnit]:
        """Return every unit a name (not a code) names, at any date and level."""
        return self._sorted(self._name_matches(nfc(text), lambda unit: True)[0])

    def _code_matches(self, code: str, level: str | None) -> list[AdministrativeUnit]:
        if level is not None:
            return self._by_code.get((level, code.lstrip("0").zfill(CODE_WIDTHS[level])), [])
        # A code of a level's full width belongs to that level; a shorter one could be any level.
        exact = [lvl for lvl, width in CODE_WIDTHS.items() if len(code) == width]
        levels = exact or [lvl for lvl, width in CODE_WIDTHS.items() if len(code) < width]
        return [unit for lvl in levels for unit in self._by_code.get((lvl, code.zfill(CODE_WIDTHS[lvl])), [])]

    def _name_matches(self, text: str, fits: _Fits) -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
        """Return (every unit the name matches, those that fit the date, level and parent)."""
        literal = self._by_key.get(fold_compact(text), [])
        types, rest = _prefix_split(text)
        prefixed = self._by_key.get(fold_compact(rest), []) if types else []

        def typed(units: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
            # The prefix's own types first; its levels when no unit of those types is left.
            if not types:
                return units
            levels = {LEVEL_OF_TYPE[t] for t in types}
            return [u for u in units if u.unit_type in types] or [u for u in units if u.level in levels]

        named = self._unique([*literal, *typed(prefixed)])
        fitting = [*(u for u in literal if fits(u)), *typed([u for u in prefixed if fits(u)])]
        return named, self._unique(fitting)

    def _marks_preferred(self, text: str, candidates: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
        """Keep the candidates whose diacritics match the text's (any tone placement), if there are any."""
        _types, rest = _prefix_split(text)
        wanted = {_tone_compact(text), _tone_compact(rest)}
        matching = [unit for unit in candidates if wanted & self._unit_tone_keys(unit)]
        return matching or candidates

    def _unit_tone_keys(self, unit: AdministrativeUnit) -> set[str]:
        if unit.pk not in self._tone_keys:
            self._tone_keys[unit.pk] = {_tone_compact(name) for name in self._names(unit)}
        return self._tone_keys[unit.pk]

    def _closest(self, text: str, fits: _Fits) -> list[AdministrativeUnit]:
        """Return up to three fitting units whose folded names are closest to the text."""
        types, rest = _prefix_split(text)
        levels = {LEVEL_OF_TYPE[t] for t in types} if types else set(CODE_WIDTHS)
        by_name: dict[str, list[AdministrativeUnit]] = {}
        for unit in self._units:
            if unit.level in levels and fits(unit):
                for name in (unit.short_name, *unit.alias_list()):
                    by_name.setdefault(fold(name), []).append(unit)
        found: list[AdministrativeUnit] = []
        for name in difflib.get_close_matches(fold(rest), list(by_name), n=3, cutoff=0.6):
            found.extend(unit for unit in self._sorted(by_name[name]) if unit not in found)
        return found[:3]

    def _ancestors(self, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
        """Return the parent, grandparent … of a unit, as far as they were loaded."""
        chain = []
        while unit.parent_id is not None:
            if unit.parent_id in self._by_id:
                unit = self._by_id[unit.parent_id]
            elif AdministrativeUnit.parent.is_cached(unit):
                unit = unit.parent
            else:
                break
            chain.append(unit)
        return chain

    def label(self, unit: AdministrativeUnit) -> str:
        """Return the unit with its level, code, parents and validity, e.g. for error messages."""
        if unit.valid_from and unit.valid_to:
            validity = _("%(start)s to %(end)s") % {
                "start": _date_text(unit.valid_from),
                "end": _date_text(unit.valid_to),
            }
        elif unit.valid_to:
            validity = _("until %(end)s") % {"end": _date_text(unit.valid_to)}
        elif unit.valid_from:
            validity = _("from %(start)s") % {"start": _date_text(unit.valid_from)}
        else:
            validity = _("no end date")
        values = {
            "name": unit.short_name,
            "level": str(unit.get_level_display()).lower(),
            "code": unit.code,
            "validity": validity,
            "parents": ", ".join(a.short_name for a in self._ancestors(unit)),
        }
        if values["parents"]:
            return _("%(name)s (%(level)s %(code)s in %(parents)s, %(validity)s)") % values
        return _("%(name)s (%(level)s %(code)s, %(validity)s)") % values

    def _labels(self, units: list[AdministrativeUnit], *, limit: int | None = None) -> str:
        shown = self._sorted(units)[:limit]
        text = "; ".join(self.label(unit) for unit in shown)
        if len(units) > len(shown):
            text += " " + _("and %(count)d more") % {"count": len(units) - len(shown)}
        return text

    def _filters_text(self, day: datetime.date | None, level: str | None, parent: AdministrativeUnit | None) -> str:
        parts = []
        if level:
            parts.append(str(Level(level).label).lower())
        if day:
            parts.append(_("in force on %(date)s") % {"date": _date_text(day)})
        if parent:
            parts.append(_("in %(parent)s") % {"parent": parent.short_name})
        return f" ({', '.join(parts)})" if parts else ""

    @staticmethod
    def _sorted(units: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
        return sorted(
            units,
            key=lambda u: (_LEVEL_ORDER[u.level], u.valid_from or datetime.date.min, u.sort_key, u.code),
        )

    @staticmethod
    def _unique(units: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
        return list({unit.pk: unit for unit in units}.values())


def unit_resolve(text: str, **kwargs: object) -> AdministrativeUnit:
    """Return the one unit that the text names; see UnitIndex.resolve for the keyword arguments."""
    queryset = AdministrativeUnit.objects.all()
    if kwargs.get("level"):
        queryset = queryset.filter(level=kwargs["level"])
    return UnitIndex.build(queryset).resolve(text, **kwargs)
