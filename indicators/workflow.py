"""Publication workflow and conflict-safe writes: moved to indicators.services (the one write gate).

Kept so that existing imports keep working; new code imports from indicators.services.
"""

from indicators.services import (
    FIGURE_FIELDS,
    Refusal,
    StaleValue,
    changes_since,
    value_return,
    value_save,
    values_approve,
    values_submit,
    version_claim,
)

__all__ = [
    "FIGURE_FIELDS",
    "Refusal",
    "StaleValue",
    "changes_since",
    "value_return",
    "value_save",
    "values_approve",
    "values_submit",
    "version_claim",
]
