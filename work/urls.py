from django.urls import path

from work.views import debtor, my_day, team, timeline

app_name = "work"

DEBTOR = "debtors/<uuid:guid>/"

urlpatterns = [
    # My day
    path("work/", my_day.my_day, name="my-day"),
    path("work/balances", my_day.balances, name="balances"),
    path("work/next", my_day.next_item, name="next"),
    path("work/followups/<int:pk>/take", my_day.take, name="followup-take"),
    # The team view
    path("team/", team.team, name="team"),
    path("team/reassign", team.reassign, name="reassign"),
    # On the debtor 360
    path(DEBTOR + "followups", debtor.followups, name="followups"),
    path(DEBTOR + "followups/<int:pk>/complete", debtor.followup_complete,
         name="followup-complete"),
    path(DEBTOR + "contacts", debtor.contacts, name="contacts"),
    path(DEBTOR + "promises", debtor.promises, name="promises"),
    path(DEBTOR + "timeline", timeline.timeline, name="timeline"),
]
