"""Two-factor in Chromium: a supervisor's first sign-in enrols an authenticator from the QR
page's key and sees the recovery codes; the next sign-in asks for a code."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.signin.two_factor.test_two_factor import code_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_enrolment_then_sign_in_with_a_code(page, app_url, login, supervisor_user, settings,
                                            screenshot, axe_check):
    settings.MFA_REQUIRED_ROLES = ("supervisor", "admin")
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    login(page, supervisor_user)
    page.wait_for_url(f"{app_url}/accounts/two-factor/setup/")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ?)+", secret)
    axe_check(page, "two-factor enrolment")
    screenshot(page, "signin-totp-setup")
    device = TOTPDevice.objects.get(user=supervisor_user, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    assert codes.count() == 10
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{app_url}/work/")

    page.get_by_role("button", name="Sign out").first.click()
    login(page, supervisor_user)
    page.wait_for_url(f"{app_url}/accounts/two-factor/verify/")
    axe_check(page, "two-factor sign-in")
    screenshot(page, "signin-totp-verify")
    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app").fill(code_for(device, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{app_url}/work/")
