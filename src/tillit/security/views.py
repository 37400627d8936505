"""Staff two-factor pages: enrol an authenticator (TOTP) once, with an enrolment link a
superuser or the command line issued, then enter a code each session. The staff middleware
sends staff here from staff pages when required.

A password alone never enrols a device: staff without one are told to ask for a link, so
whoever steals a password cannot add their own authenticator."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
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
    """Verify the staff member's TOTP code; without a confirmed device, say how to get an
    enrolment link (and offer nothing else)."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        return render(request, "security/otp_no_device.html")
    form = TokenForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    return render(request, "security/otp.html",
                  {"form": form, "enrolling": False, "next": _next(request)})


@staff_member_required
@rate_limited("staff_otp")
def enrol(request, token: str):
    """Enrol an authenticator with the link ``token`` (the logged-in staff member's own):
    show its key as a QR code, confirm it with a first code, and the link is used up."""
    user = request.user
    try:
        link = services.enrolment_for(token, user)
    except services.LinkRefused as refused:
        return render(request, "security/enrol_refused.html", {"reason": refused.reason},
                      status=refused.status)
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
              or TOTPDevice.objects.create(user=user, name="Tillit", confirmed=False))
    form = TokenForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_valid():
        try:
            services.complete_enrolment(link, device)
        except services.LinkRefused as refused:
            return render(request, "security/enrol_refused.html", {"reason": refused.reason},
                          status=refused.status)
        otp_login(request, device)
        return redirect(_next(request))
    return render(request, "security/otp.html", {
        "form": form, "enrolling": True, "next": _next(request),
        "secret": b32encode(device.bin_key).decode(),
        # qrcode writes the SVG itself from the otpauth URL; nothing of ours is in it.
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
    })
