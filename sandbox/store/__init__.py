"""What the sandbox stores and the rules that guard it: the writes behind the API views.

`debtors` holds debtors, addresses, extra fields and cases (and the numbers they are given);
`plans` the payment plans' covered cases and life cycle. Keyword-only functions named
`<entity>_<action>`, taking model-field values; the views in sandbox/api/ parse the wire.
"""
