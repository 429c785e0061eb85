from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators and values")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from indicators import signals
        from indicators.services import history_channel_fill

        signals.connect()
        pre_create_historical_record.connect(history_channel_fill, dispatch_uid="indicators-history-channel")
