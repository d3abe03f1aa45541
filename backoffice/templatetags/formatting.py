"""`{% load formatting %}`: the display functions of `backoffice.formatting` as filters.

`{{ amount|money:"SEK" }}`, `{{ rate|percent:2 }}`, `{{ day|date_only }}`,
`{{ moment|date_time }}`, `{{ id_number|masked_id }}`.
"""

from django import template

from backoffice.formatting import date_only, date_time, masked_id, money, percent

register = template.Library()
register.filter("money", money)
register.filter("percent", percent)
register.filter("date_only", date_only)
register.filter("date_time", date_time)
register.filter("masked_id", masked_id)
