"""Keeps the sandbox's tables in their own database, apart from the back-office's."""

SANDBOX_DB = "sandbox"


class SandboxRouter:
    def _is_sandbox(self, model) -> bool:
        return model._meta.app_label == "sandbox"

    def db_for_read(self, model, **hints):
        return SANDBOX_DB if self._is_sandbox(model) else None

    def db_for_write(self, model, **hints):
        return SANDBOX_DB if self._is_sandbox(model) else None

    def allow_relation(self, obj1, obj2, **hints):
        if self._is_sandbox(obj1) != self._is_sandbox(obj2):
            return False
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "sandbox":
            return db == SANDBOX_DB
        return db != SANDBOX_DB
