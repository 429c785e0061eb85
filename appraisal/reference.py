"""The verified parts of real criteria sets, shipped as partial reference sets (appraisal/data/criteria/README.md).

Only what a public source states: no criterion or maximum is filled in. They are marked partial,
so that no campaign can use them; an assessor imports its full set from its decision's annex.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from appraisal.criteria import CriteriaImport, criteria_import
from appraisal.models import BodyGroup, CriteriaSet

DATA_DIR = Path(__file__).resolve().parent / "data" / "criteria"


@dataclass(frozen=True)
class ReferenceSet:
    file_name: str
    name: str
    year: int
    body_group: str
    source_title: str
    source_url: str
    note: str


REFERENCE_SETS = (
    ReferenceSet(
        "par_province_2948_2017.csv",
        "Chỉ số CCHC cấp tỉnh — Quyết định 2948/QĐ-BNV (8 lĩnh vực; chỉ có điểm tối đa của lĩnh vực)",
        2017,
        BodyGroup.PROVINCES,
        "Quyết định 2948/QĐ-BNV ngày 28/12/2017 (Bộ Nội vụ)",
        "https://bonoivu.cls.vn/BoNoiVuTemplate/ChiTietKhoaHoc/22610",
        "Năm = năm ban hành quyết định. Chỉ có 8 lĩnh vực và điểm tối đa (cộng = 100); tiêu chí chưa có.",
    ),
    ReferenceSet(
        "par_province_par2024_892_2024.csv",
        "Chỉ số CCHC cấp tỉnh 2024 — Quyết định 892/QĐ-BNV (4/8 lĩnh vực)",
        2024,
        BodyGroup.PROVINCES,
        "Sơn La: đạt x/y điểm theo lĩnh vực (PAR Index 2024)",
        "https://thongtindoingoai.sonla.gov.vn/en/content-1040-tang-chi-so-cai-cach-hanh-chinh.html",
        "Chỉ 4 trong 8 lĩnh vực có điểm tối đa; 4 lĩnh vực còn lại (cộng 45 điểm) chưa rõ. Việc bộ tiêu chí là "
        "892/QĐ-BNV được suy ra từ tên và ngày quyết định, nguồn không ghi.",
    ),
)


@transaction.atomic
def reference_sets_load(*, data_dir: Path = DATA_DIR) -> dict[str, CriteriaImport]:
    """Create or refresh each reference set from its file (idempotent: the tree is replaced as a whole)."""
    results = {}
    for spec in REFERENCE_SETS:
        criteria_set, _created = CriteriaSet.objects.update_or_create(
            name=spec.name,
            year=spec.year,
            body_group=spec.body_group,
            defaults={
                "assessor": None,
                "partial": True,
                "source_title": spec.source_title,
                "source_url": spec.source_url,
                "note": spec.note,
            },
        )
        path = data_dir / spec.file_name
        results[spec.file_name] = criteria_import(
            criteria_set=criteria_set, content=path.read_bytes(), file_name=path.name
        )
    return results
