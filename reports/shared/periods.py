"""Counting units in force from their validity periods (start and end dates, either open)."""

import datetime

Period = tuple[datetime.date | None, datetime.date | None]


def count_in_force(periods: list[Period], *, day: datetime.date) -> int:
    """Return how many of the periods include the day (an open start or end reaches any day)."""
    return sum(1 for start, end in periods if (start is None or start <= day) and (end is None or day <= end))
