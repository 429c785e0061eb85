"""Filters for the appraisal forms: the errors of one criterion."""

from django import template

register = template.Library()


@register.filter
def has_code(errors: dict, code: str) -> bool:
    """Return whether the service's errors name this criterion code."""
    return bool(errors and code in errors)


@register.filter
def problems_of(errors: dict, code: str) -> list[str]:
    """Return the messages for one criterion code."""
    return list(errors.get(code, [])) if errors else []
