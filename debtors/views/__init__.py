"""Debtor views, one module per screen: search (`search`), the debtor 360 and its case
panel and ID reveal (`detail`), saved searches (`saved`) from issue 6; the editors (create/
edit/delete, addresses, extra fields, actions) from issue 7 beside them.
"""
