from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Aptic sandbox"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from sandbox.casefold import register_sqlite_casefold

        connection_created.connect(register_sqlite_casefold, dispatch_uid="sandbox-casefold")
