"""Account pages: registration, login/logout, password reset and change, "My details",
the profile edit and the address book.

Views are thin: forms validate, ``services`` write, ``selectors`` read. Address pages look
entries up only through the owner's own book, so another customer's id is a 404.
"""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from tillit.security import ratelimit
from tillit.security import selectors as security_selectors
from tillit.security.ratelimit import rate_limited

from . import selectors, services
from .forms import AddressForm, LoginForm, PasswordResetForm, ProfileForm, RegistrationForm


def _posted(request):
    return request.POST if request.method == "POST" else None


def _next_url(request) -> str | None:
    """The ``next`` page to return to, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@rate_limited("register")
def register(request):
    """Every valid registration gets the same answer, "check your e-mail": whether the
    address has an account decides only which e-mail goes out (``services.register``)."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(_posted(request))
    if form.is_valid():
        services.register(**form.account_data(), next_url=_next_url(request) or "",
                          absolute_url=request.build_absolute_uri)
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html",
                  {"form": form, "next": _next_url(request) or ""})


@require_safe
def register_done(request):
    return render(request, "accounts/register_done.html",
                  {"hours": services.activation_hours()})


_LINK_REFUSED = {
    "unknown": _("This activation link is not valid. It may have been used already: then "
                 "your account is active, and you can log in."),
    "expired": _("This activation link has expired, and the registration with it. Register "
                 "again to get a new link."),
}


def activate(request, token: str):
    """The link in the activation e-mail. Opening it changes nothing (mail scanners open
    links too); the button on the page activates the account, once, and logs it in."""
    try:
        if request.method != "POST":
            pending = services.check_activation(token)
            return render(request, "accounts/activate.html", {"username": pending.username})
        user, next_url = services.activate(token)
    except services.LinkRefused as refused:
        return render(request, "accounts/link_refused.html",
                      {"message": _LINK_REFUSED[refused.reason], "offer_registration": True},
                      status=refused.status)
    except services.AccountTaken as taken:
        message = (_("Someone else took that user ID while your link was on its way. "
                     "Register again with another user ID.") if taken.field == "username"
                   else _("That e-mail address already has an account. Log in, or reset "
                          "your password if you have forgotten it."))
        return render(request, "accounts/link_refused.html",
                      {"message": message, "offer_registration": True}, status=409)
    auth_login(request, user)
    messages.success(request, _("Welcome! Your account is active."))
    return redirect(next_url or "accounts:profile")


login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)

# POST only (Django's LogoutView refuses GET); the header posts to it.
logout = auth_views.LogoutView.as_view()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


password_reset = rate_limited("password_reset")(PasswordResetView.as_view())
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html",
)
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.cancel_email_change(form.user)  # as after a password change
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html",
)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever asked for a waiting e-mail change may have used the old password.
        services.cancel_email_change(form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = rate_limited("password_check")(PasswordChangeView.as_view())


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {
        "account": request.user,
        "addresses": selectors.addresses_for(request.user),
        "pending_email": selectors.pending_email_change(request.user),
        # "Was this you?" (P11, P13)
        "logins": security_selectors.recent_logins(request.user),
        "failed_logins": security_selectors.recent_failures(request.user),
    })


@login_required
def profile_edit(request):
    form = ProfileForm(_posted(request), user=request.user,
                       initial=selectors.profile_initial(request.user))
    if form.is_bound and ProfileForm.moves_mailbox(request.user,
                                                   request.POST.get("email", "").strip()):
        # A new address means checking the password: counted, so it cannot be guessed.
        retry_after = ratelimit.hit(request, "password_check")
        if retry_after:
            return ratelimit.too_many(request, retry_after)
    if form.is_valid():
        details = form.account_data()
        new_email = details["email"]
        moving = ProfileForm.moves_mailbox(request.user, new_email)
        if moving:
            details["email"] = request.user.email
        services.update_profile(request.user, **details)
        messages.success(request, _("Your details have been saved."))
        if moving:
            # The same answer whether or not another account has the address. The address
            # is not repeated here: messages may travel in a cookie.
            asked = services.request_email_change(request.user, new_email,
                                                  absolute_url=request.build_absolute_uri)
            hours = services.activation_hours()
            if not asked:
                messages.warning(request, _(
                    "Your e-mail address was not changed: too many changes have been asked "
                    "for today, for your account or for that address. Try again tomorrow."))
                return redirect("accounts:profile")
            messages.info(request, ngettext(
                "We have sent a link to the new address. Your e-mail address changes when "
                "you open it, within %(hours)d hour.",
                "We have sent a link to the new address. Your e-mail address changes when "
                "you open it, within %(hours)d hours.", hours) % {"hours": hours})
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


_CHANGE_REFUSED = {
    "unknown": _("This link is not valid. It may have been used already: then your account "
                 "has the new e-mail address."),
    "expired": _("This link has expired. Change the e-mail address again under My details "
                 "to get a new one."),
}


def email_confirm(request, token: str):
    """The link in the e-mail-change message. Opening it changes nothing (mail scanners
    open links too); the button on the page moves the account to the new address, once."""
    try:
        pending = services.check_email_change(token)
        if request.user.is_authenticated and request.user.pk != pending.user_id:
            # Someone else's link, in a browser logged in to another account: changing
            # the other account's address here would only confuse whoever is logged in.
            return render(request, "accounts/link_refused.html", {"message": _(
                "This link belongs to another account. Log out first, then open the link "
                "again.")}, status=403)
        if request.method != "POST":
            return render(request, "accounts/email_confirm.html", {"email": pending.email})
        services.confirm_email_change(token)
    except services.LinkRefused as refused:
        return render(request, "accounts/link_refused.html",
                      {"message": _CHANGE_REFUSED[refused.reason]}, status=refused.status)
    except services.AccountTaken:
        return render(request, "accounts/link_refused.html", {
            "message": _("That e-mail address already has an account, so this one keeps its "
                         "address.")}, status=409)
    messages.success(request, _("Your e-mail address has been changed."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@login_required
def address_list(request):
    return render(request, "accounts/address_list.html",
                  {"addresses": selectors.addresses_for(request.user)})


@login_required
def address_create(request):
    form = AddressForm(_posted(request))
    if form.is_valid():
        services.create_address(request.user, make_default=form.cleaned_data["make_default"],
                                **form.address_data())
        messages.success(request, _("The address has been added."))
        return redirect(_next_url(request) or "accounts:address_list")
    return render(request, "accounts/address_form.html",
                  {"form": form, "next": _next_url(request) or ""})


@login_required
def address_update(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    form = AddressForm(_posted(request), initial=selectors.address_initial(address))
    if form.is_valid():
        services.update_address(address, make_default=form.cleaned_data["make_default"],
                                **form.address_data())
        messages.success(request, _("The address has been saved."))
        return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
def address_delete(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    if request.method == "POST":
        services.delete_address(address)
        messages.success(request, _("The address has been removed."))
        return redirect("accounts:address_list")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_set_default(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    services.set_default_address(address)
    messages.success(request, _("Your default address has been changed."))
    return redirect("accounts:address_list")
