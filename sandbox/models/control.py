"""The sandbox's switchable behaviour: the faults every API call suffers (one row)."""

from fnmatch import fnmatchcase

from django.db import models

from sandbox.models.plain_read import plain_get

# What apply_faults() reads on every API call (not updated_at).
_IN_FORCE = ("latency_ms", "failure_rate", "status", "retry_after", "hang", "methods", "paths")


class FaultConfig(models.Model):
    """The faults set through PUT /sandbox/control/faults; the row with pk 1 or none at all.

    Kept in the database, not in a module variable, so every thread and worker process of a
    server sees the same faults.
    """

    SINGLETON_PK = 1

    latency_ms = models.PositiveIntegerField(default=0)
    failure_rate = models.FloatField(default=0.0)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    retry_after = models.PositiveIntegerField(null=True, blank=True)
    hang = models.BooleanField(default=False)
    # The scope: empty hits every call; else only calls whose method is listed and whose
    # path (after /sandbox/api/v1, e.g. /debtors/<guid>/paymentplans/<guid>/activate)
    # matches one of the shell-style patterns (fnmatch: `*` spans slashes).
    methods = models.JSONField(default=list, blank=True)
    paths = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"faults: {self.as_wire()}"

    @classmethod
    def current(cls) -> "FaultConfig":
        """The faults in force (an unsaved all-clear instance when none are set), read by
        one plain SELECT: every API call asks."""
        return (plain_get(cls, by="id", value=cls.SINGLETON_PK, fields=_IN_FORCE)
                or cls(pk=cls.SINGLETON_PK))

    @property
    def is_clear(self) -> bool:
        return not (self.latency_ms or self.failure_rate or self.status or self.hang)

    def as_wire(self) -> dict:
        return {
            "latencyMs": self.latency_ms,
            "failureRate": self.failure_rate,
            "status": self.status,
            "retryAfter": self.retry_after,
            "hang": self.hang,
            "methods": list(self.methods or ()),
            "paths": list(self.paths or ()),
        }

    def applies_to(self, method: str, path: str) -> bool:
        """Whether a call of `method` to `path` (after the API root) is in the faults' scope."""
        if self.methods and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return not self.paths or any(fnmatchcase(path, pattern) for pattern in self.paths)
