"""Two-factor for local accounts: enrolment with a server-drawn QR code, sign-in with a code
or a recovery code, throttling, the requirement per role, the admin's reset; all audited."""

import re
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.audit.models import AuditEntry

MANDATORY = ("supervisor", "admin")


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has a test of its own


@pytest.fixture
def mandatory(settings):
    settings.MFA_REQUIRED_ROLES = MANDATORY


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _password(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": f"pw-{username}"}
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def _actions(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def enrol(client: Client, user) -> list[str]:
    """Enrols through the setup page as a person would; returns the recovery codes shown."""
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 200
    return re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())


@pytest.mark.django_db
def test_enrolment_draws_the_qr_code_here_and_confirms_with_a_code(agent_client, agent_user):
    page = agent_client.get("/accounts/two-factor/setup/").content.decode()
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert "<script" not in page.split("<main", 1)[1]  # no third-party script draws it
    device = TOTPDevice.objects.get(user=agent_user, confirmed=False)
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    # A wrong code is refused at the field; the device stays unconfirmed.
    wrong = agent_client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    codes = enrol(agent_client, agent_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=agent_user).confirmed
    [entry] = _actions("auth.mfa-enrolled")
    assert entry.actor == agent_user
    assert not any(code in str(entry.request_body) for code in codes)


@pytest.mark.django_db
def test_a_code_field_takes_six_digits(agent_client):
    response = agent_client.post("/accounts/two-factor/setup/", {"code": "12ab"})
    assert "Enter the 6 digits your app shows." in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_password_then_code(mandatory, agent_user):
    setup = Client()
    setup.force_login(agent_user)
    enrol(setup, agent_user)
    device = TOTPDevice.objects.get(user=agent_user)

    client = Client()
    response = _password(client, "agent1", "/debtors/")
    assert response["Location"] == "/accounts/two-factor/verify/"
    assert client.get("/debtors/")["Location"] == "/accounts/two-factor/verify/"
    assert not _actions("auth.signin")  # not signed in until the code
    wrong = client.post("/accounts/two-factor/verify/", {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    assert _actions("auth.signin-failed")[-1].reason == "wrong second-factor code"
    ok = client.post("/accounts/two-factor/verify/", {"code": code_for(device, steps_ahead=1)})
    assert ok["Location"] == "/debtors/"
    assert client.get("/debtors/").status_code == 200
    [signin] = _actions("auth.signin")
    assert signin.request_body == {"method": "password+totp"}


@pytest.mark.django_db
def test_a_recovery_code_works_once(mandatory, agent_user):
    setup = Client()
    setup.force_login(agent_user)
    codes = enrol(setup, agent_user)

    first = Client()
    _password(first, "agent1")
    response = first.post("/accounts/two-factor/verify/", {"code": codes[0], "recovery": "1"})
    assert response["Location"] == "/"
    assert _actions("auth.signin")[-1].request_body["method"] == "password+recovery-code"
    assert _actions("auth.signin")[-1].request_body["recovery_codes_left"] == 9

    second = Client()
    _password(second, "agent1")
    again = second.post("/accounts/two-factor/verify/", {"code": codes[0], "recovery": "1"})
    assert "not valid or was used already" in again.content.decode()
    assert second.get("/work/")["Location"] == "/accounts/two-factor/verify/"


@pytest.mark.django_db
def test_wrong_codes_are_throttled(settings, agent_user):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    setup = Client()
    setup.force_login(agent_user)
    enrol(setup, agent_user)
    device = TOTPDevice.objects.get(user=agent_user)
    client = Client()
    _password(client, "agent1")
    client.post("/accounts/two-factor/verify/", {"code": "111111"})
    # Even the right code waits out the throttle.
    held = client.post("/accounts/two-factor/verify/", {"code": code_for(device, steps_ahead=1)})
    assert "Too many wrong codes" in held.content.decode()
    assert _actions("auth.signin-failed")[-1].reason == "second-factor code throttled"
    assert not _actions("auth.signin")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["supervisor1", "admin1"])
def test_supervisors_and_admins_must_enrol_before_any_page(mandatory, supervisor_user,
                                                          admin_user, username):
    user = {"supervisor1": supervisor_user, "admin1": admin_user}[username]
    client = Client()
    response = _password(client, username)
    assert response["Location"] == "/accounts/two-factor/setup/"
    for path in ("/work/", "/approvals/", "/accounts/profile/"):
        assert client.get(path)["Location"] == "/accounts/two-factor/setup/"
    htmx = client.get("/work/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == "/accounts/two-factor/setup/"
    assert client.get("/healthz").status_code == 200
    enrol(client, user)
    assert client.get("/work/").status_code == 200
    assert _actions("auth.signin")[-1].request_body == {"method": "password+totp"}


@pytest.mark.django_db
def test_agents_are_not_asked_unless_the_setting_says_so(mandatory, settings, agent_user):
    client = Client()
    assert _password(client, "agent1")["Location"] == "/"
    assert client.get("/work/").status_code == 200
    settings.MFA_REQUIRED_ROLES = ("agent", "supervisor", "admin")
    other = Client()
    assert _password(other, "agent1")["Location"] == "/accounts/two-factor/setup/"
    # The session already open is held too once the requirement applies.
    assert client.get("/work/")["Location"] == "/accounts/two-factor/setup/"


@pytest.mark.django_db
def test_the_profile_offers_set_up_new_codes_and_turning_off(agent_client, agent_user):
    assert "/accounts/two-factor/setup/" in agent_client.get("/accounts/profile/").content.decode()
    enrol(agent_client, agent_user)
    profile = agent_client.get("/accounts/profile/").content.decode()
    assert "10 recovery codes left" in profile
    renewed = agent_client.post("/accounts/two-factor/recovery-codes/").content.decode()
    assert len(re.findall(r"<li><code>", renewed)) == 10
    assert _actions("auth.recovery-codes")[-1].actor == agent_user
    agent_client.post("/accounts/two-factor/remove/")
    assert not TOTPDevice.objects.filter(user=agent_user).exists()
    assert _actions("auth.mfa-reset")[-1].reason == "removed by the user"


@pytest.mark.django_db
def test_a_mandatory_second_factor_cannot_be_turned_off(mandatory, supervisor_user):
    client = Client()
    _password(client, "supervisor1")
    enrol(client, supervisor_user)
    client.post("/accounts/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=supervisor_user, confirmed=True).exists()


@pytest.mark.django_db
def test_an_admin_resets_a_second_factor_and_the_user_enrols_again(settings, supervisor_user,
                                                                  admin_user):
    settings.MFA_REQUIRED_ROLES = ("supervisor",)  # the admin here signs in without one
    person = Client()
    _password(person, "supervisor1")
    enrol(person, supervisor_user)
    admin = Client()
    admin.force_login(admin_user)
    users_page = admin.get("/accounts/users/").content.decode()
    assert f"/accounts/users/{supervisor_user.pk}/reset-second-factor/" in users_page
    response = admin.post(f"/accounts/users/{supervisor_user.pk}/reset-second-factor/")
    assert response["Location"] == "/accounts/users/"
    assert not TOTPDevice.objects.filter(user=supervisor_user).exists()
    [entry] = _actions("auth.mfa-reset")
    assert (entry.actor, entry.target_id, entry.reason) == (admin_user, "supervisor1",
                                                            "reset by an admin")
    # Their open session now owes a new enrolment; so does the next sign-in.
    assert person.get("/work/")["Location"] == "/accounts/two-factor/setup/"
    assert _password(Client(), "supervisor1")["Location"] == "/accounts/two-factor/setup/"


@pytest.mark.django_db
def test_only_admins_reset_a_second_factor(agent_client, supervisor_client, norole_user):
    TOTPDevice.objects.create(user=norole_user, name="authenticator", confirmed=True)
    for client in (agent_client, supervisor_client):
        assert client.post(f"/accounts/users/{norole_user.pk}/reset-second-factor/"
                           ).status_code == 403
    assert TOTPDevice.objects.filter(user=norole_user).exists()
    assert [e.outcome for e in _actions("auth.mfa-reset")] == ["denied", "denied"]
