"""Public reads of /api/v1/: units, indicators, values, rankings, averages, sources.

Views parse the query with a filter serializer (a bad parameter is a 400 problem naming it), call a
selector and serialise. Every read runs outside any staff preview, answers JSON or CSV, and carries
an ETag and Last-Modified from the data generation (api.conditional).
"""

from typing import Any

import pandas as pd
from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import conditional, selectors
from api.pagination import ApiCursorPagination
from api.problems import INVALID_INPUT, NotModified, Problem
from api.schema import read_responses, write_responses
from api.serializers import (
    AverageFilter,
    AverageSerializer,
    IndicatorFilter,
    IndicatorSerializer,
    RankingFilter,
    RankingSerializer,
    SourceSerializer,
    UnitFilter,
    UnitSerializer,
    ValueFilter,
    ValueSerializer,
    ValueUpdateSerializer,
    ValueWriteSerializer,
    WriteResultSerializer,
)
from api.writes import api_values_write
from indicators.models import Indicator
from indicators.preview import values_not_previewed
from indicators.rankings import ranking, years_with_data
from provinces.models import AdministrativeUnit, Level


class PublicRead:
    """Conditional GETs (304), validators on every answer, no staff preview: mixed into every read view."""

    filter_class: type | None = None
    csv_columns: list[str] = []

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        # A signed-in staff member's ?preview=1 must not show drafts here: the API is public data only.
        with values_not_previewed():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Messages in the client's language (Accept-Language: en), Vietnamese by default; the data have no language.
        translation.activate(translation.get_language_from_request(request))
        super().initial(request, *args, **kwargs)
        if request.method in {"GET", "HEAD"}:
            self.validators = conditional.validators(request)
            if conditional.not_modified(request, self.validators):
                raise NotModified

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "validators", None)
        if validators is not None and response.status_code in {200, 304}:
            for name, value in conditional.headers(validators).items():
                response[name] = value
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code == 200 and renderer is not None and renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        patch_vary_headers(response, ("Accept", "Accept-Language"))
        return response

    @property
    def csv_name(self) -> str:
        return self.__class__.__name__.removesuffix("View").lower()

    def filters(self) -> dict[str, Any]:
        """Return the validated query parameters (400 naming each bad one)."""
        if self.filter_class is None:
            return {}
        params = {
            name: value for name, value in self.request.query_params.items() if name in self.filter_class().fields
        }
        serializer = self.filter_class(data=params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PublicList(PublicRead, generics.ListAPIView):
    pagination_class = ApiCursorPagination


def _columns(serializer: type) -> list[str]:
    return [name for name in serializer().fields if name not in {"series_breaks"}]


@extend_schema(parameters=[UnitFilter], responses=read_responses(UnitSerializer(many=True)), summary="Units")
class UnitsView(PublicList):
    """Provinces, districts and communes before and after 1 July 2025, with validity, parent and successors.

    A GSO code names a unit only together with a date (code 24 was Bắc Giang until 30 June 2025 and is
    the new Bắc Ninh since): use ``on`` or the validity dates, and refer to units by ``id``.
    """

    serializer_class = UnitSerializer
    filter_class = UnitFilter
    csv_columns = _columns(UnitSerializer)

    def get_queryset(self):
        return selectors.units(**self.filters())


@extend_schema(responses=read_responses(UnitSerializer), summary="One unit")
class UnitView(PublicRead, generics.RetrieveAPIView):
    serializer_class = UnitSerializer
    queryset = AdministrativeUnit.objects.prefetch_related("successors", "predecessors")
    csv_columns = _columns(UnitSerializer)


@extend_schema(
    parameters=[IndicatorFilter], responses=read_responses(IndicatorSerializer(many=True)), summary="Indicators"
)
class IndicatorsView(PublicList):
    """Every indicator with its definition, range, direction, levels and series breaks."""

    serializer_class = IndicatorSerializer
    filter_class = IndicatorFilter
    csv_columns = _columns(IndicatorSerializer)

    def get_queryset(self):
        return selectors.indicators(**self.filters())


@extend_schema(responses=read_responses(IndicatorSerializer), summary="One indicator")
class IndicatorView(PublicRead, generics.RetrieveAPIView):
    serializer_class = IndicatorSerializer
    queryset = selectors.indicators()
    lookup_field = "code"
    csv_columns = _columns(IndicatorSerializer)


@extend_schema_view(
    get=extend_schema(
        parameters=[ValueFilter],
        responses=read_responses(ValueSerializer(many=True)),
        summary="Values",
        description="Every published figure with its source: never drafts, submissions or pending corrections. "
        "Mirror the data by following `next` (or the `Link` header), later asking with `changed_since` "
        "and `If-None-Match`.",
    ),
    post=extend_schema(
        request=ValueWriteSerializer,
        responses=write_responses(WriteResultSerializer),
        summary="Write values (staff token)",
        description="Write a batch of figures as drafts, all or nothing, through the same checks as the admin and "
        "imports: role, province scope, locked years, versions, data rules. A value already stored needs "
        "`expected_version`; a published value gets a pending correction. Refusals name the row and field.",
    ),
    put=extend_schema(
        request=ValueUpdateSerializer,
        responses=write_responses(WriteResultSerializer),
        summary="Change stored values (staff token)",
        description="As POST, for stored values only: every row must give `expected_version`.",
    ),
)
class ValuesView(PublicList):
    """Published values (GET, anyone) and batch writes of drafts (POST/PUT, staff tokens)."""

    serializer_class = ValueSerializer
    filter_class = ValueFilter
    csv_columns = _columns(ValueSerializer)

    def get_permissions(self) -> list:
        return [IsAuthenticated()] if self.request.method in {"POST", "PUT"} else super().get_permissions()

    def post(self, request: Request) -> Response:
        return self._write(request, ValueWriteSerializer)

    def put(self, request: Request) -> Response:
        return self._write(request, ValueUpdateSerializer)

    def _write(self, request: Request, serializer_class: type) -> Response:
        if not isinstance(request.data, dict):
            raise ValidationError({"rows": [_('Send an object: {"rows": [...]}.')]})
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        written = api_values_write(rows=serializer.validated_data["rows"], user=request.user)
        for index, value in enumerate(written):
            value.row = index
        return Response(WriteResultSerializer({"rows": written}).data)

    def get_queryset(self):
        wanted = self.filters()
        code = wanted.get("indicator")
        if code and not Indicator.objects.filter(code=code).exists():
            raise _unknown_indicator(code)
        return selectors.values(**wanted)


@extend_schema(responses=read_responses(SourceSerializer(many=True)), summary="Sources")
class SourcesView(PublicList):
    """The sources of the published figures, with their class when the catalogue records one."""

    serializer_class = SourceSerializer
    csv_columns = _columns(SourceSerializer)

    def get_queryset(self):
        return selectors.sources()


def _unknown_indicator(code: str) -> Problem:
    """Return the 404 for a filter naming an indicator the catalogue does not have."""
    return Problem(
        status_code=status.HTTP_404_NOT_FOUND,
        kind=INVALID_INPUT,
        detail=_("Unknown indicator “%(code)s”.") % {"code": code},
        errors=[{"field": "indicator", "message": _("Unknown indicator “%(code)s”.") % {"code": code}}],
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return DataFrame rows as plain Python values (missing → None), for JSON and CSV alike."""
    frame = frame.rename(columns={"unit_id": "unit"}).drop(columns=["sort_key"])
    frame["value_change"] = frame["value_change"].round(4)
    return [
        {
            name: (None if pd.isna(cell) else cell.item() if hasattr(cell, "item") else cell)
            for name, cell in row.items()
        }
        for row in frame.astype(object).to_dict("records")
    ]


@extend_schema(parameters=[RankingFilter], responses=read_responses(RankingSerializer), summary="A ranking")
class RankingView(PublicRead, APIView):
    """The ranking the rankings page shows: computed ranks (1-2-2-4) and the rank each source published."""

    filter_class = RankingFilter
    csv_columns = list(RankingSerializer().fields["results"].child.fields)

    def get(self, request: Request) -> Response:
        wanted = self.filters()
        indicator = Indicator.objects.filter(code=wanted["indicator"]).first()
        if indicator is None:
            raise _unknown_indicator(wanted["indicator"])
        year = wanted.get("year")
        if year is None:
            years = years_with_data(indicator=indicator)
            if not years:
                raise Problem(
                    status_code=status.HTTP_404_NOT_FOUND,
                    kind="about:blank",
                    detail=_("No values have been published for this indicator yet."),
                )
            year = years[0]
        within = None
        if "within" in wanted:
            within = AdministrativeUnit.objects.filter(pk=wanted["within"], level=Level.PROVINCE).first()
            if within is None:
                raise Problem(
                    status_code=status.HTTP_404_NOT_FOUND,
                    kind=INVALID_INPUT,
                    detail=_("within must be the id of a province."),
                    errors=[{"field": "within", "message": _("within must be the id of a province.")}],
                )
        result = ranking(
            indicator=indicator, year=year, level=wanted["level"], region=wanted.get("region", ""), within=within
        )
        data = {
            "indicator": indicator.code,
            "year": result.year,
            "level": result.level,
            "region": result.region,
            "within": within.pk if within else None,
            "n_units": result.n_units,
            "n_with_value": result.n_with_value,
            "average": result.average,
            "regional_average": result.regional_average,
            "results": _records(result.rows),
        }
        serialized = RankingSerializer(data).data
        return Response(serialized)


@extend_schema(parameters=[AverageFilter], responses=read_responses(AverageSerializer(many=True)), summary="Averages")
class AveragesView(PublicRead, APIView):
    """National and regional averages: official ones as published (with source), computed ones with n."""

    filter_class = AverageFilter
    csv_columns = list(AverageSerializer().fields)

    def get(self, request: Request) -> Response:
        wanted = self.filters()
        if "indicator" in wanted and not Indicator.objects.filter(code=wanted["indicator"]).exists():
            raise _unknown_indicator(wanted["indicator"])
        rows = selectors.averages(**wanted)
        return Response(AverageSerializer(rows, many=True).data)
