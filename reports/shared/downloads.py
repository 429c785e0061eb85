"""A table as a CSV or XLSX download (the ranking page and every chart's CSV go through indicators.exports' one cell writer)."""

from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from indicators.exports import (
    csv_response,
    xlsx_response,
)


def table_response(
    *,
    export_format: str,
    basename: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    title_lines: Sequence[str] = (),
    sources: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """Return the rows as a CSV or XLSX download named basename.csv / basename.xlsx.

    The XLSX also carries ``title_lines`` (what the table is: indicator, year, filters) above its frozen
    header and the ``sources`` on a second sheet; the CSV stays a plain table (one header row) so that
    programs read it as one.
    """
    if export_format == "xlsx":
        return xlsx_response(
            filename=f"{basename}.xlsx",
            columns=columns,
            rows=rows,
            sheet_title=basename,
            title_lines=title_lines,
            sources=sources,
            sources_title=str(_("Sources")),
            sources_columns=[str(_("No.")), str(_("Source")), str(_("Address"))],
        )
    return csv_response(filename=f"{basename}.csv", columns=columns, rows=rows)
