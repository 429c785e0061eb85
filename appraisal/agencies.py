"""The ministries assessed by the PAR Index, from the module's data file (appraisal/data/ministries.csv).

Agencies have no GSO code; the codes are this project's own (docs/appraisal.md: ministries 1001–1017
in Vietnamese alphabetical order of their 2023 names; a province's departments PP + 3 digits).
``loadunits`` never touches these levels; this loader never touches any other.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from indicators.importing.published import averages_load
from indicators.importing.service import ImportReport, values_import
from provinces.models import AdministrativeUnit, Level, UnitType

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class AgenciesLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    values: ImportReport | None = None
    averages: dict | None = None


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


@transaction.atomic
def ministries_load(*, path: Path = DATA_DIR / "ministries.csv") -> AgenciesLoad:
    """Create or update the ministries of the file (by code and start of validity); leave every other unit."""
    result = AgenciesLoad()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            wanted = {
                "name": row["name"],
                "short_name": row["name"],
                "name_en": row["name_en"],
                "unit_type": UnitType(row["unit_type"]),
                "valid_to": _date(row["valid_to"]),
            }
            unit = AdministrativeUnit.objects.filter(
                level=Level.MINISTRY, code=row["code"], valid_from=_date(row["valid_from"])
            ).first()
            if unit is None:
                AdministrativeUnit(
                    level=Level.MINISTRY, code=row["code"], valid_from=_date(row["valid_from"]), **wanted
                ).save()
                result.created += 1
            elif all(getattr(unit, k) == v for k, v in wanted.items()):
                result.unchanged += 1
            else:
                for name, value in wanted.items():
                    setattr(unit, name, value)
                unit.save()
                result.updated += 1
    return result


def agencies_load(*, data_dir: Path = DATA_DIR) -> AgenciesLoad:
    """Load the ministries, then their published PAR Index figures and the ministries' average (idempotent)."""
    result = ministries_load(path=data_dir / "ministries.csv")
    path = data_dir / "ministries_par.csv"
    result.values = values_import(
        content=path.read_bytes(), file_name=path.name, note="loadagencies: ministries_par.csv", publish=True
    )
    if result.values.ok:
        result.averages = averages_load(path=data_dir / "ministries_averages.csv")
    return result
