"""Two-factor for local accounts: TOTP with recovery codes (django-otp)."""
