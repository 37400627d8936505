"""Staff two-factor pages: enrol an authenticator (TOTP) once, then enter a code each
session. The staff middleware sends staff here from staff pages when required."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .ratelimit import rate_limited


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@staff_member_required
@rate_limited("staff_otp")
def otp(request):
    """Verify (a confirmed device exists) or enrol (it does not) the staff member's TOTP."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = (TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
                  or TOTPDevice.objects.create(user=user, name="Tillit", confirmed=False))
    form = TokenForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_valid():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next(request))
    context = {"form": form, "enrolling": enrolling, "next": _next(request)}
    if enrolling:
        context["secret"] = b32encode(device.bin_key).decode()
        # qrcode writes the SVG itself from the otpauth URL; nothing of ours is in it.
        context["qr"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308
    return render(request, "security/otp.html", context)
