"""The search page's assembly: each result's link."""

from reports.shared.links import profile_url


def search_result_url(row: dict) -> str:
    """Return the profile link of a search result; a unit no longer in force is linked at its last day."""
    return profile_url(level=row["level"], code=row["code"], on=row["valid_to"])
