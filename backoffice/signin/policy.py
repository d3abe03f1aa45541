"""Which ways in are open: the local password form, single sign-on."""

from __future__ import annotations

from typing import Any


def local_signin_allowed(user: Any) -> bool:
    """May this account sign in with a local password? (LOCAL_SIGNIN, break-glass admins.)"""
    return True
