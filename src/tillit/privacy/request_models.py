"""The rights requests' tables (P29–P33): each request with its one-month deadline, the
single-use links that confirm or fetch it, and the restrictions of processing in force
(art. 18). Re-exported by :mod:`tillit.privacy.models`."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivacyRequest(models.Model):
    """A request under GDPR Art. 15-21 from a person, with the one-month deadline of
    Art. 12(3) (P33). Self-service requests are recorded too, so the desk sees them all.

    A guest's request waits for the e-mail verification (``unverified``) before anything is
    looked up; only then does the deadline matter. An erasure blocked by an open order or a
    legal hold ``waits`` and is carried out by the nightly sweep once nothing stands in the
    way (``privacy.requests``).
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("access (a copy of my data)")
        RECTIFICATION = "rectification", _("rectification")
        ERASURE = "erasure", _("erasure")
        OBJECTION = "objection", _("objection")
        RESTRICTION = "restriction", _("restriction (keep my data but do not use it)")

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("awaiting e-mail verification")
        OPEN = "open", _("open")
        WAITING = "waiting", _("waiting for open orders or a legal hold")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn by the person")

    class Channel(models.TextChoices):
        SELF_SERVICE = "self_service", _("self-service, logged in")
        EMAIL = "email", _("web form, verified by e-mail")
        STAFF = "staff", _("received by staff (phone, letter, e-mail)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("customer"))
    email = models.EmailField(_("e-mail of the person"), blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    deadline = models.DateField(_("answer at the latest"))
    verified_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("handled by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    note = models.TextField(_("staff note"), blank=True, max_length=2000)
    # What the person wrote with a restriction or an objection: which processing, and why.
    message = models.TextField(_("the person's message"), blank=True, max_length=2000)

    class Meta:
        ordering = ["deadline", "received_at", "id"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        indexes = [models.Index(Upper("email"), name="privacy_request_email_ci")]

    def __str__(self) -> str:
        # No e-mail here: this text lands in logs such as the admin's change log.
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.WITHDRAWN)


class RequestToken(models.Model):
    """A single-use, expiring secret sent to a requester: the e-mail verification link of a
    guest's request, or the download link of an access export. Only a SHA-256 digest of the
    token is stored, so a copy of the database opens nothing.

    A download link of an account's request works only for that account; one of a guest's
    request only in the browser session that verified it (``session_ref``, a keyed hash of
    the session key)."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("e-mail verification")
        DOWNLOAD = "download", _("export download")
        WITHDRAW = "withdraw", _("withdrawal of a waiting erasure")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE,
                                related_name="tokens", verbose_name=_("request"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    session_ref = models.CharField(_("bound to browser session (keyed hash)"), max_length=100,
                                   blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request token")
        verbose_name_plural = _("request tokens")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"


class Restriction(models.Model):
    """A restriction of processing in force (GDPR art. 18): the person's data is kept but
    not used for what the data map marks as stoppable (``Use.stoppable``: marketing,
    suggestions from purchases); it does not stop what the law or the contract requires.
    Staff place it on the desk, on one of the grounds of art. 18.1, usually answering the
    person's request; they lift it when the ground has passed, and the person is told
    both times by e-mail (art. 18.3, 19)."""

    class Ground(models.TextChoices):
        ACCURACY = "accuracy", _("the person contests the accuracy, while we check it "
                                 "(art. 18.1 a)")
        UNLAWFUL = "unlawful", _("the processing is unlawful and the person wants the data "
                                 "kept, not erased (art. 18.1 b)")
        CLAIM = "claim", _("the person needs the data for a legal claim (art. 18.1 c)")
        OBJECTION = "objection", _("the person has objected, while we weigh it (art. 18.1 d)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("customer"))
    email = models.EmailField(_("e-mail of the person"), blank=True, db_index=True)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    request = models.ForeignKey(PrivacyRequest, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("request"))
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("placed by"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True, db_index=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("lifted by"))

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        indexes = [models.Index(Upper("email"), name="privacy_restriction_email_ci")]
        constraints = [models.CheckConstraint(
            condition=~models.Q(user__isnull=True, email=""),
            name="privacy_restriction_names_someone")]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} #{self.pk}"

    @property
    def ground_for_person(self) -> str:
        """The ground as the person is told it, in their own terms."""
        return str(_GROUNDS_FOR_PERSON.get(self.ground, self.get_ground_display()))


_GROUNDS_FOR_PERSON = {
    Restriction.Ground.ACCURACY: _("you contest that your data are correct, and we check them "
                                   "(art. 18.1 a)"),
    Restriction.Ground.UNLAWFUL: _("you want the data kept instead of erased (art. 18.1 b)"),
    Restriction.Ground.CLAIM: _("you need the data for a legal claim (art. 18.1 c)"),
    Restriction.Ground.OBJECTION: _("you have objected, and we weigh your objection "
                                    "(art. 18.1 d)"),
}
