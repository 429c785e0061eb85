"""What the API reads and writes: query filters (validated, so bad input is a 400 naming the parameter) and rows."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.catalogue import INDICATOR_COLUMNS
from indicators.models import (
    MAX_YEAR,
    MIN_YEAR,
    AverageScope,
    Indicator,
    IndicatorGroup,
    Qualifier,
    RankBasis,
    SeriesBreak,
    Source,
    Value,
)
from provinces.models import AdministrativeUnit, Level, Region

MAX_ID = 2**63 - 1  # ids are 64-bit: larger numbers are refused, not sent to the database


def _id(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, **kwargs)


def _year(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, **kwargs)


# Filters -------------------------------------------------------------------------------------------


class UnitFilter(serializers.Serializer):
    level = serializers.ChoiceField(Level.choices, required=False)
    code = serializers.RegexField(r"^[0-9]{1,5}$", required=False, help_text=_("GSO code (several units over time)."))
    province = _id(help_text=_("Id of a province: its districts and communes."))
    on = serializers.DateField(required=False, help_text=_("Only units in force on this date (YYYY-MM-DD)."))
    q = serializers.CharField(required=False, max_length=100, help_text=_("Name, with or without diacritics."))


class IndicatorFilter(serializers.Serializer):
    group = serializers.ChoiceField(IndicatorGroup.choices, required=False)


class ValueFilter(serializers.Serializer):
    indicator = serializers.SlugField(required=False, max_length=60, help_text=_("Indicator code."))
    year = _year(required=False)
    unit = _id(help_text=_("Unit id."))
    level = serializers.ChoiceField(Level.choices, required=False)
    region = serializers.ChoiceField(Region.choices, required=False, help_text=_("Region of the province."))
    within = _id(help_text=_("Id of a province: values of its districts and communes."))
    changed_since = serializers.DateTimeField(
        required=False, help_text=_("Only values changed at or after this moment (ISO 8601).")
    )


class RankingFilter(serializers.Serializer):
    indicator = serializers.SlugField(max_length=60, help_text=_("Indicator code."))
    year = _year(required=False, help_text=_("Default: the latest year with published values."))
    level = serializers.ChoiceField(Level.choices, default=Level.PROVINCE)
    region = serializers.ChoiceField(Region.choices, required=False, help_text=_("Provinces of one region."))
    within = _id(help_text=_("Id of a province: rank its districts or communes (without it: nationwide)."))


class AverageFilter(serializers.Serializer):
    indicator = serializers.SlugField(required=False, max_length=60, help_text=_("Indicator code."))
    year = _year(required=False)


# Rows ----------------------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    successors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = [
            "id",
            "level",
            "code",
            "name",
            "short_name",
            "unit_type",
            "region",
            "parent",
            "valid_from",
            "valid_to",
            "successors",
            "predecessors",
            "aliases",
        ]


class SeriesBreakSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeriesBreak
        fields = ["year", "note_vi", "note_en"]


class IndicatorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    levels = serializers.ListField(source="level_list", child=serializers.CharField(), read_only=True)
    series_breaks = SeriesBreakSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        # The catalogue file's columns (indicators.catalogue), under the model's names for min and max.
        fields = [{"min": "min_value", "max": "max_value"}.get(c, c) for c in INDICATOR_COLUMNS] + ["series_breaks"]


@extend_schema_field({"type": "string", "nullable": True})
class SourceClassField(serializers.Field):
    """The source's class (official report, survey, press …) when the catalogue records one."""

    def __init__(self, source: str = "*", **kwargs: object) -> None:
        super().__init__(read_only=True, source=source, **kwargs)

    def to_representation(self, instance: object) -> str | None:
        return getattr(instance, "source_class", None) or None


class SourceSerializer(serializers.ModelSerializer):
    source_class = SourceClassField()

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "url", "published_on", "note", "source_class"]


class ValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.short_name", read_only=True)
    level = serializers.CharField(source="unit.level", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_url = serializers.CharField(source="source.url", read_only=True)
    source_class = SourceClassField(source="source")
    value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, allow_null=True)
    previous_value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, allow_null=True)

    class Meta:
        model = Value
        fields = [
            "id",
            "indicator",
            "unit",
            "unit_code",
            "unit_name",
            "level",
            "year",
            *Value.FIGURE_FIELDS,
            "source_title",
            "source_url",
            "source_class",
            "version",
            "updated_at",
            "corrected_at",
            "previous_value",
            "previous_rank",
        ]


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True, help_text=_("Computed here over the values held."))
    region_rank = serializers.IntegerField(allow_null=True)
    previous_value = serializers.FloatField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    value_change = serializers.FloatField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True)
    published_rank = serializers.IntegerField(allow_null=True, help_text=_("The rank the source published."))
    rank_basis = serializers.CharField(allow_null=True)
    qualifier = serializers.CharField(allow_null=True)
    source_title = serializers.CharField(allow_null=True)
    source_url = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class AverageSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    year = serializers.IntegerField()
    scope = serializers.ChoiceField(AverageScope.choices)
    region = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    official = serializers.BooleanField(help_text=_("Published by the index's owner; otherwise computed here."))
    n = serializers.IntegerField(allow_null=True, help_text=_("Provinces averaged (computed averages only)."))
    source = serializers.IntegerField(allow_null=True)
    source_title = serializers.CharField()


class RankingAverageSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    official = serializers.BooleanField(help_text=_("Published by the index's owner; otherwise computed here."))
    n = serializers.IntegerField(source="count", help_text=_("Units averaged (computed averages only; 0 if official)."))
    source_title = serializers.CharField()
    source_url = serializers.CharField()


class RankingSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    year = serializers.IntegerField()
    level = serializers.CharField()
    region = serializers.CharField()
    within = serializers.IntegerField(allow_null=True)
    n_units = serializers.IntegerField()
    n_with_value = serializers.IntegerField()
    average = RankingAverageSerializer()
    regional_average = RankingAverageSerializer(allow_null=True)
    results = RankingRowSerializer(many=True)


# Writes --------------------------------------------------------------------------------------------


class ValueWriteRowSerializer(serializers.Serializer):
    """One figure to write; a value already stored for indicator × unit × year needs the version last read."""

    indicator = serializers.SlugField(max_length=60, help_text=_("Indicator code."))
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("Unit id."))
    year = _year()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    rank = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    rank_basis = serializers.ChoiceField([("", ""), *RankBasis.choices], required=False, allow_blank=True)
    qualifier = serializers.ChoiceField(Qualifier.choices, required=False)
    source = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True,
        help_text=_("Source id; required for a new value, kept when omitted on a stored one."),
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True,
        help_text=_("The version read (values endpoint, or a previous write's answer); required to change a stored value."),
    )  # fmt: skip


class ValueUpdateRowSerializer(ValueWriteRowSerializer):
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("The version read: PUT changes stored values only.")
    )


class ValueWriteSerializer(serializers.Serializer):
    rows = ValueWriteRowSerializer(many=True, allow_empty=False, min_length=1)

    def validate_rows(self, rows: list) -> list:
        limit = settings.API_MAX_WRITE_ROWS
        if len(rows) > limit:
            raise serializers.ValidationError(_("At most %(limit)d rows per request.") % {"limit": limit})
        return rows


class ValueUpdateSerializer(ValueWriteSerializer):
    rows = ValueUpdateRowSerializer(many=True, allow_empty=False, min_length=1)


class WrittenValueSerializer(serializers.ModelSerializer):
    """A row as written: a draft, or the pending correction of a published value (``correction_of``)."""

    row = serializers.IntegerField(help_text=_("Index of the request row."))
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, allow_null=True)

    class Meta:
        model = Value
        fields = ["row", "id", "indicator", "unit", "year", "value", "rank", "status", "version", "correction_of"]


class WriteResultSerializer(serializers.Serializer):
    rows = WrittenValueSerializer(many=True)
