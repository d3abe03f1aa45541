"""The acting user reaches the request context through a middleware of its own."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from backoffice import request_context
from backoffice.middleware import ActorMiddleware, RequestIdMiddleware, UserLanguageMiddleware


def _seen_by_the_view(seen: list):
    def view(request):
        seen.append(request_context.current())
        return HttpResponse("ok")

    return view


def test_the_actor_is_the_request_user_for_the_request_only(agent_user):
    seen = []
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-12345678")
    request.user = agent_user
    RequestIdMiddleware(ActorMiddleware(_seen_by_the_view(seen)))(request)
    [ctx] = seen
    assert ctx.user is agent_user
    assert ctx.request_id == "req-12345678"  # the rest of the context is kept
    assert request_context.current().user is None


def test_the_language_middleware_leaves_the_actor_alone():
    seen = []
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    UserLanguageMiddleware(_seen_by_the_view(seen))(request)
    assert seen[0].user is None


def test_the_actor_is_set_once_the_user_is_known():
    order = settings.MIDDLEWARE
    actor = order.index("backoffice.middleware.ActorMiddleware")
    assert actor == order.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    assert order.index("backoffice.middleware.RequestIdMiddleware") < actor
