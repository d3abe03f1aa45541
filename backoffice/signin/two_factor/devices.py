"""The TOTP device and recovery codes of a user, through django-otp; the QR code as SVG."""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (made once, so a reload shows the same code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def secret_groups(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, label: str) -> SafeString:
    """The otpauth:// address as an inline SVG drawn here: no image service, no script."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage,
                        box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # Generated from the device's own URL by qrcode: safe to inline. Given a name for readers.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr" ', 1)
    return mark_safe(svg)  # noqa: S308


def new_recovery_codes(user: Any) -> list[str]:
    """Replaces the user's recovery codes with RECOVERY_CODES fresh ones (each usable once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_all(user: Any) -> bool:
    """Deletes every second factor of the user; True if they had an enrolled one."""
    had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return had
