from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Aptic sandbox"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from sandbox.sqlite import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="sandbox-sqlite")
