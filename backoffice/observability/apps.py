import ipaddress

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ObservabilityConfig(AppConfig):
    name = "backoffice.observability"
    label = "observability"
    verbose_name = _("Observability")

    def ready(self) -> None:
        from backoffice.observability import tracing

        tracing.setup_from_environment()


@checks.register(checks.Tags.security)
def check_metrics_allowed_ips(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Every METRICS_ALLOWED_IPS entry must be an address or a network."""
    errors = []
    for item in settings.METRICS_ALLOWED_IPS:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            errors.append(checks.Error(
                f"METRICS_ALLOWED_IPS: {item!r} is not an IP address or network.",
                id="observability.E001",
            ))
    return errors
