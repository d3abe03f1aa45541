"""The sandbox's switchable behaviour: the faults every API call suffers (one row)."""

from fnmatch import fnmatchcase

from django.db import connections, models, router

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
        """The faults in force (an unsaved all-clear instance when none are set).

        Read with one plain SELECT, not a queryset: every API call asks, and building the
        ORM's query cost several times the read itself (about 0.3 ms a call)."""
        db = router.db_for_read(cls)
        connection = connections[db]
        quote = connection.ops.quote_name
        fields = [cls._meta.get_field(name) for name in _IN_FORCE]
        sql = (f"SELECT {', '.join(quote(field.column) for field in fields)} "  # noqa: S608
               f"FROM {quote(cls._meta.db_table)} WHERE {quote(cls._meta.pk.column)} = %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [cls.SINGLETON_PK])
            row = cursor.fetchone()
        if row is None:
            return cls(pk=cls.SINGLETON_PK)
        values = [field.from_db_value(value, None, connection)
                  if hasattr(field, "from_db_value") else field.to_python(value)
                  for field, value in zip(fields, row, strict=True)]
        return cls.from_db(db, ["id", *_IN_FORCE], [cls.SINGLETON_PK, *values])

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
