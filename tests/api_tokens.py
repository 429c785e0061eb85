"""API tokens for tests: a staff member's token and the header that sends it."""

from api.models import ApiToken


def make_token(user, name: str = "Cổng dịch vụ công") -> tuple[ApiToken, str]:
    """Return a saved token of the user and its raw key (as shown once in the admin)."""
    token = ApiToken(user=user, name=name)
    raw = token.key_set()
    token.save()
    return token, raw


def bearer(raw: str) -> dict[str, str]:
    """Return the Django test client's keyword for the Authorization header."""
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
