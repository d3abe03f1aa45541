"""Local overrides of Django's format files (FORMAT_MODULE_PATH)."""
