"""Made-up debtor data: surnames no other debtor has, and valid Swedish ID numbers."""

import uuid

from stdnum import luhn


def unique_word() -> str:
    """A made-up surname no other debtor has (letters only)."""
    letters = "bcdfghjklmnpqrstvwxz"
    raw = uuid.uuid4().int
    word = ""
    for _ in range(8):
        raw, digit = divmod(raw, len(letters))
        word += letters[digit]
    return "Q" + word


def swedish_personnummer(born: str, serial: str = "123") -> str:
    """YYYYMMDD-NNNC with a correct Luhn digit (born as "YYYYMMDD")."""
    return f"{born}-{serial}{luhn.calc_check_digit(born[2:] + serial)}"


def swedish_orgnr(base: str = "556123456") -> str:
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"
