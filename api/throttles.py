"""Request rates for anonymous clients (per address) and token clients (per user), from the settings.

The rates are read on every request, not when the module is imported, so a changed setting applies.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_ANON

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenThrottle(UserRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_TOKEN

    def allow_request(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return True  # anonymous clients are AnonymousThrottle's
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
