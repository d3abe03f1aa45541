"""Valid-looking Nordic identity and company numbers for demo data (check digits correct).

Each function takes the seeded random generator, so a seed always yields the same numbers.
python-stdnum validates every one of them in the tests.
"""

import datetime as dt
import random

from stdnum import luhn
from stdnum.fi.hetu import _calc_checksum as hetu_check_char
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2


def swedish_personnummer(rng: random.Random, born: dt.date, *, female: bool) -> str:
    """YYYYMMDD-NNNC; the third serial digit is even for women; Luhn over YYMMDDNNN."""
    serial = rng.randrange(0, 100) * 10 + rng.choice((0, 2, 4, 6, 8) if female
                                                     else (1, 3, 5, 7, 9))
    base = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}-{serial:03d}{luhn.calc_check_digit(base)}"


def norwegian_fodselsnummer(rng: random.Random, born: dt.date, *, female: bool) -> str:
    """DDMMYYIIIKK; individual numbers 000-499 for the 1900s, 500-999 from 2000."""
    low, high = (0, 500) if born.year < 2000 else (500, 1000)
    while True:
        individual = rng.randrange(low, high)
        if (individual % 2 == 0) != female:
            individual ^= 1
        base = f"{born:%d%m%y}{individual:03d}"
        first = calc_check_digit1(base)
        if first == "10":
            continue
        second = calc_check_digit2(base + first)
        if second != "10":
            return base + first + second


def finnish_hetu(rng: random.Random, born: dt.date, *, female: bool) -> str:
    """DDMMYY-ZZZQ ('A' instead of '-' from 2000); ZZZ is even for women."""
    individual = rng.randrange(2, 900)
    if (individual % 2 == 0) != female:
        individual = individual + 1 if individual < 899 else individual - 1
    sign = "-" if born.year < 2000 else "A"
    return f"{born:%d%m%y}{sign}{individual:03d}" + hetu_check_char(
        f"{born:%d%m%y}{individual:03d}"
    )


def swedish_orgnr(rng: random.Random) -> str:
    """556NNN-NNNC: an aktiebolag number with its Luhn digit."""
    base = "556" + "".join(str(rng.randrange(10)) for _ in range(6))
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def norwegian_orgnr(rng: random.Random) -> str:
    """9 digits starting with 9, mod-11 check digit."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        base = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = 11 - sum(w * int(d) for w, d in zip(weights, base, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return base + str(check)


def finnish_ytunnus(rng: random.Random) -> str:
    """NNNNNNN-C with the mod-11 check digit of a Finnish business ID."""
    weights = (7, 9, 10, 5, 8, 4, 2)
    while True:
        base = "".join(str(rng.randrange(10)) for _ in range(7))
        remainder = sum(w * int(d) for w, d in zip(weights, base, strict=True)) % 11
        if remainder == 1:
            continue
        return f"{base}-{0 if remainder == 0 else 11 - remainder}"


PERSONAL_NUMBER = {"SE": swedish_personnummer, "NO": norwegian_fodselsnummer,
                   "FI": finnish_hetu}
COMPANY_NUMBER = {"SE": swedish_orgnr, "NO": norwegian_orgnr, "FI": finnish_ytunnus}


def vat_number(country: str, company_number: str) -> str:
    digits = company_number.replace("-", "")
    if country == "SE":
        return f"SE{digits}01"
    if country == "NO":
        return f"NO{digits}MVA"
    return f"FI{digits}"
