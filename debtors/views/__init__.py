"""Debtor views, one module per screen: search (`search`), saved searches (`saved`), the
debtor 360 with its case panel and ID reveal (`detail`), the debtor's own form and delete
(`debtor_edit`), the address and extra-field panels (`addresses`, `extra_fields`, sharing
`panels`) and the custom actions (`actions`).
"""
