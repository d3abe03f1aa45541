"""PostgreSQL only: a trigger refusing UPDATE and DELETE on the audit table.

UPDATE is always refused. DELETE is allowed only inside a transaction that set
`SET LOCAL collectdesk.audit_archive = 'on'`, which the `audit_archive` command alone does
(after writing and checking the archive file). Other databases rely on the model's guards.
TRUNCATE is left to database privileges (the application's role should not hold it; Django's
test flush needs it).
"""

from django.db import migrations

FUNCTION = "audit_entry_append_only"
TRIGGER = "audit_entry_append_only"

CREATE = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('collectdesk.audit_archive', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only manage.py audit_archive may delete audit entries.';
END;
$$;
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""

DROP = """
DROP TRIGGER IF EXISTS {trigger} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""


def _run(sql: str, apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
    schema_editor.execute(sql.format(function=FUNCTION, trigger=TRIGGER, table=table), None)


def create_trigger(apps, schema_editor) -> None:
    _run(CREATE, apps, schema_editor)


def drop_trigger(apps, schema_editor) -> None:
    _run(DROP, apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
