"""Signing in: the password pages, single sign-on, two-factor, sign-in events and sessions.

Every way in ends in `events.signin_completed`, every refusal in `events.signin_failed`, so the
audit trail records each sign-in, failure and sign-out through the one audit function.
"""
