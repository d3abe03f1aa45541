"""A deterministic, realistic Nordic demo portfolio for the sandbox.

portfolio.py writes it in batches; debtors.py draws each debtor and its rows, plans.py their
payment plans, data.py holds the word lists and rows.py what they share (the anchor day, the
seeded-debtor record and the fast inserts).
"""

from sandbox.seed.debtors import generate_debtor
from sandbox.seed.portfolio import seed_portfolio
from sandbox.seed.rows import SeededDebtor, SeedResult

__all__ = ["SeedResult", "SeededDebtor", "generate_debtor", "seed_portfolio"]
