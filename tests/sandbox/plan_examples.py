"""The worked examples of sandbox-plans.md, transcribed: shared by the plan-math and API tests."""

import calendar
from datetime import date


def table(text):
    """'1 | 788.49 | 100.00 | 0.00 | 888.49' lines, as the spec prints them."""
    out = []
    for line in text.strip().splitlines():
        k, *money = (cell.strip() for cell in line.split("|"))
        out.append((int(k), *money))
    return out


PP01 = table("""
1 | 788.49 | 100.00 | 0.00 | 888.49
2 | 796.37 | 92.12 | 0.00 | 888.49
3 | 804.34 | 84.15 | 0.00 | 888.49
4 | 812.38 | 76.11 | 0.00 | 888.49
5 | 820.51 | 67.98 | 0.00 | 888.49
6 | 828.71 | 59.78 | 0.00 | 888.49
7 | 837.00 | 51.49 | 0.00 | 888.49
8 | 845.37 | 43.12 | 0.00 | 888.49
9 | 853.82 | 34.67 | 0.00 | 888.49
10 | 862.36 | 26.13 | 0.00 | 888.49
11 | 870.98 | 17.51 | 0.00 | 888.49
12 | 879.67 | 8.80 | 0.00 | 888.47
""")

PP03 = table("""
1 | 833.33 | 100.00 | 0.00 | 933.33
2 | 833.33 | 91.67 | 0.00 | 925.00
3 | 833.33 | 83.33 | 0.00 | 916.66
4 | 833.33 | 75.00 | 0.00 | 908.33
5 | 833.33 | 66.67 | 0.00 | 900.00
6 | 833.33 | 58.33 | 0.00 | 891.66
7 | 833.33 | 50.00 | 0.00 | 883.33
8 | 833.33 | 41.67 | 0.00 | 875.00
9 | 833.33 | 33.33 | 0.00 | 866.66
10 | 833.33 | 25.00 | 0.00 | 858.33
11 | 833.33 | 16.67 | 0.00 | 850.00
12 | 833.37 | 8.33 | 0.00 | 841.70
""")

PP08 = table("""
1 | 333.33 | 0.00 | 0.00 | 333.33
2 | 333.33 | 0.00 | 0.00 | 333.33
3 | 333.34 | 0.00 | 0.00 | 333.34
""")

PP12 = table("""
1 | 400.00 | 100.00 | 29.00 | 529.00
2 | 404.00 | 96.00 | 29.00 | 529.00
3 | 408.04 | 91.96 | 29.00 | 529.00
4 | 412.12 | 87.88 | 29.00 | 529.00
5 | 416.24 | 83.76 | 29.00 | 529.00
6 | 420.40 | 79.60 | 29.00 | 529.00
7 | 424.61 | 75.39 | 29.00 | 529.00
8 | 428.85 | 71.15 | 29.00 | 529.00
9 | 433.14 | 66.86 | 29.00 | 529.00
10 | 437.47 | 62.53 | 29.00 | 529.00
11 | 441.85 | 58.15 | 29.00 | 529.00
12 | 446.27 | 53.73 | 29.00 | 529.00
""")


def add_months(start: date, k: int) -> date:
    """k months after `start`, on its day clamped to the month's end (independent of the code)."""
    year, month = divmod(start.month - 1 + k, 12)
    year += start.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


# name: (balance, rate, request fields, totals, table or (first, second, last) rows)
# totals: numberOfPayments, principal, interest, fee, amount, APR, left on the cases
EXAMPLES = {
    "PP-01-annuity-N12": (
        "10000.00", "12.00", {"paymentPlanType": 1, "numberOfPayments": 12},
        (12, "10000.00", "661.86", "0.00", "10661.86", "12.68", "0.00"), PP01),
    "PP-03-linear-N12": (
        "10000.00", "12.00", {"paymentPlanType": 3, "numberOfPayments": 12},
        (12, "10000.00", "650.00", "0.00", "10650.00", "12.68", "0.00"), PP03),
    "PP-05-annuity-amount500": (
        "10000.00", "12.00", {"paymentPlanType": 1, "amount": "500.00"},
        (23, "10000.00", "1213.48", "0.00", "11213.48", "12.68", "0.00"),
        [(1, "400.00", "100.00", "0.00", "500.00"), (2, "404.00", "96.00", "0.00", "500.00"),
         (23, "211.37", "2.11", "0.00", "213.48")]),
    "PP-08-annuity-zero-rate-remainder": (
        "1000.00", "0.00", {"paymentPlanType": 1, "numberOfPayments": 3},
        (3, "1000.00", "0.00", "0.00", "1000.00", "0.00", "0.00"), PP08),
    "PP-10-debt-relief-60x300": (
        "25000.00", "12.00", {"paymentPlanType": 5, "numberOfPayments": 60, "amount": "300.00"},
        (60, "18000.00", "0.00", "0.00", "18000.00", "0.00", "7000.00"),
        [(1, "300.00", "0.00", "0.00", "300.00"), (2, "300.00", "0.00", "0.00", "300.00"),
         (60, "300.00", "0.00", "0.00", "300.00")]),
    "PP-12-annuity-limited": (
        "10000.00", "12.00",
        {"paymentPlanType": 2, "numberOfPayments": 12, "amount": "500.00", "invoiceFee": "29.00"},
        (12, "5072.99", "927.01", "348.00", "6348.00", "17.77", "4927.01"), PP12),
}


def expected_rows(rows: list) -> dict:
    """{period number: (principal, interest, fee, amount)} of a table or of its given rows."""
    return {row[0]: tuple(row[1:]) for row in rows}
