"""Case-insensitive comparison for every letter, as on Aptic's case-insensitive collation.

SQLite's LIKE and LOWER fold only ASCII, so `Ö` would not match `ö`. Two tools fix that:
- shadow columns holding `str.casefold()` of a value (the debtor's list fields, indexed, so
  the 100,000-row debtor list stays fast), filled by the models' `refresh_folded()`;
- `Casefold(expr)`, a database function for small per-debtor lists: Python's `casefold` on
  SQLite (added to every new connection by sandbox/sqlite.py), `LOWER` elsewhere
  (PostgreSQL's LOWER folds every letter in a UTF-8 database).
"""

from django.db.models import Func, TextField


def casefold(value: str | None) -> str | None:
    """The value as compared case-insensitively; None stays None."""
    return value.casefold() if isinstance(value, str) else value


class Casefold(Func):
    function = "LOWER"
    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="sandbox_casefold", **extra_context
        )
