"""Logs, metrics and tracing: what an operator watches.

- logs.py: the JSON formatter (`LOG_FORMAT=json`) and the fields every line carries.
- middleware.py: one log line and the request metrics per request.
- metrics.py: the Prometheus metrics and the one-line hooks the gateway and audit call.
- collectors.py: values read at scrape time (breaker state, job counts).
- views.py: `/metrics`, with its access rule.
- tracing.py: OpenTelemetry, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
- gunicorn_hooks.py: what gunicorn's config imports for multiprocess metrics.

Nothing is imported here, so that the gateway can import `metrics` without the rest.
"""
