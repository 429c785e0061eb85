"""Administrative units of Vietnam at every level, in both structures (before and after 1 July 2025).

One table holds provinces, districts and communes (``AdministrativeUnit``), so that values,
permissions and rankings work the same way at every level; ``Province``, ``District`` and
``Commune`` are proxies with their own managers. A GSO code identifies a unit only together
with a date: province code 24 was Bắc Giang until 30 June 2025 and is the new Bắc Ninh since.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.managers import UnitQuerySet
from provinces.text import fold, nfc, sort_key


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    # Assessed bodies that are not territorial units (the appraisal module ranks them like units):
    # ministries and ministry-level agencies (no parent) and a province's departments (parent = province).
    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department")


#: The levels of territorial units, loaded from the GSO files by loadunits.
TERRITORIAL_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
#: The levels of agencies, entered by hand or by the appraisal module's data command, never by loadunits.
AGENCY_LEVELS = (Level.MINISTRY, Level.DEPARTMENT)


class UnitType(models.TextChoices):
    """The official kind of unit, as in its name's prefix."""

    CENTRAL_CITY = "thanh_pho_tw", _("centrally-run city")
    PROVINCE = "tinh", _("province")
    URBAN_DISTRICT = "quan", _("urban district")
    RURAL_DISTRICT = "huyen", _("rural district")
    TOWN = "thi_xa", _("town")
    CITY = "thanh_pho", _("provincial city")
    WARD = "phuong", _("ward")
    COMMUNE = "xa", _("commune")
    TOWNSHIP = "thi_tran", _("township")
    SPECIAL_ZONE = "dac_khu", _("special zone")
    MINISTRY = "bo", _("ministry")
    MINISTRY_LEVEL_AGENCY = "ngang_bo", _("ministry-level agency")
    DEPARTMENT = "so", _("department")
    DEPARTMENT_EQUIVALENT = "ban_nganh", _("department-equivalent agency")


class Region(models.TextChoices):
    """The six socio-economic regions (GSO) of the 63-province structure."""

    NORTHERN_MIDLANDS = "northern_midlands", _("Northern Midlands and Mountains")
    RED_RIVER_DELTA = "red_river_delta", _("Red River Delta")
    NORTH_CENTRAL_COAST = "north_central_coast", _("North Central and Central Coast")
    CENTRAL_HIGHLANDS = "central_highlands", _("Central Highlands")
    SOUTH_EAST = "south_east", _("South East")
    MEKONG_DELTA = "mekong_delta", _("Mekong River Delta")


#: The six regions by their official Vietnamese (GSO) names, as written in source files.
REGION_BY_OFFICIAL_NAME = {
    "Trung du và miền núi phía Bắc": Region.NORTHERN_MIDLANDS,
    "Đồng bằng sông Hồng": Region.RED_RIVER_DELTA,
    "Bắc Trung Bộ và duyên hải miền Trung": Region.NORTH_CENTRAL_COAST,
    "Tây Nguyên": Region.CENTRAL_HIGHLANDS,
    "Đông Nam Bộ": Region.SOUTH_EAST,
    "Đồng bằng sông Cửu Long": Region.MEKONG_DELTA,
}

#: The day the 34-province structure (no district level) came into force.
REORGANISATION_DATE = datetime.date(2025, 7, 1)


def year_reference_date(year: int) -> datetime.date:
    """Return the date whose structure a yearly figure belongs to: 31 December of that year.

    A figure for 2025 is therefore about the 34 new provinces; one for 2024, the 63.
    """
    return datetime.date(year, 12, 31)


class AdministrativeUnit(models.Model):
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("GSO code"), max_length=5, help_text=_("Official code of the General Statistics Office."))
    name = models.CharField(_("official name"), max_length=120)
    name_en = models.CharField(
        _("English name"), max_length=160, blank=True, help_text=_("Agencies' official English names; optional.")
    )
    short_name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(_("type"), max_length=15, choices=UnitType.choices)
    region = models.CharField(_("region"), max_length=24, choices=Region.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Empty: in force before the data begins.")
    )
    valid_to = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Empty: still in force."))
    successors = models.ManyToManyField(
        "self", verbose_name=_("successors"), symmetrical=False, related_name="predecessors", blank=True
    )
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other spellings met in sources, separated by semicolons.")
    )
    # Derived on save: diacritic-free text for search, and the Vietnamese-order sort key.
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False)

    objects = UnitQuerySet.as_manager()
    # Changes through the ORM are recorded; loadunits writes in bulk from the official files.
    history = HistoricalRecords(
        excluded_fields=["search_text", "sort_key"],
        verbose_name=_("historical administrative unit"),
        verbose_name_plural=_("historical administrative units"),
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "sort_key", "code"]
        constraints = [
            # A code is unique per level only together with the start of validity.
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_from__isnull=True), name="unit_code_unique_initial"
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                condition=Q(valid_from__isnull=False),
                name="unit_code_unique_from",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="unit_level_known"),
        ]
        indexes = [
            # Rankings and lists: units of one level in force at a date, in Vietnamese order.
            models.Index(fields=["level", "valid_to", "sort_key"], name="unit_level_validity_idx"),
            # Resolver and URLs: a code at a level.
            models.Index(fields=["level", "code"], name="unit_level_code_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Normalise the names to NFC and set search_text and sort_key from them.

        save() calls this; bulk_create/bulk_update bypass save(), so bulk writers call it themselves.
        """
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.aliases = "; ".join(nfc(a) for a in self.alias_list())
        self.search_text = " | ".join(fold(t) for t in [self.short_name, self.name, *self.alias_list()])[:600]
        self.sort_key = sort_key(self.short_name)[:400]

    def alias_list(self) -> list[str]:
        """Return the aliases as a list."""
        return [a.strip() for a in self.aliases.split(";") if a.strip()]

    def in_force_on(self, day: datetime.date) -> bool:
        """Return whether the unit existed on the given day."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def in_force_in_year(self, year: int) -> bool:
        """Return whether yearly figures for this year belong to this unit (see year_reference_date)."""
        return self.in_force_on(year_reference_date(year))

    @property
    def label(self) -> str:
        """Return the name with its validity where a bound exists, so that old and new units with one name differ.

        "Quảng Ninh (đến 30/06/2025)", "Bắc Ninh (từ 01/07/2025)", "Hà Nội" (in force throughout); pickers,
        the admin autocomplete and anything listing units of both structures show this instead of the name.
        """
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else ""
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else ""
        if start and end:
            return _("%(name)s (%(start)s–%(end)s)") % {"name": self.short_name, "start": start, "end": end}
        if end:
            return _("%(name)s (until %(end)s)") % {"name": self.short_name, "end": end}
        if start:
            return _("%(name)s (from %(start)s)") % {"name": self.short_name, "start": start}
        return self.short_name

    @property
    def validity_label(self) -> str:
        """Return the validity period as text, e.g. '–30/06/2025' or '01/07/2025–'."""
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else ""
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else ""
        return f"{start}–{end}"


class ProvinceManager(models.Manager.from_queryset(UnitQuerySet)):
    level = Level.PROVINCE

    def get_queryset(self) -> UnitQuerySet:
        return super().get_queryset().filter(level=self.level)


class DistrictManager(ProvinceManager):
    level = Level.DISTRICT


class CommuneManager(ProvinceManager):
    level = Level.COMMUNE


class Province(AdministrativeUnit):
    objects = ProvinceManager()

    class Meta:
        proxy = True
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(AdministrativeUnit):
    objects = DistrictManager()

    class Meta:
        proxy = True
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(AdministrativeUnit):
    objects = CommuneManager()

    class Meta:
        proxy = True
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
