"""The data map cannot be bypassed: a personal field the map does not declare fails the check."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from tillit.privacy import datamap as dm
from tillit.privacy.checks import check_models


def _messages(errors):
    return [e.msg for e in errors]


def test_the_project_passes_its_own_check():
    assert check_models(apps.get_models()) == []
    call_command("check", "--fail-level", "ERROR")  # raises SystemCheckError on failure


@isolate_apps("tillit.core")
def test_an_undeclared_model_with_an_email_field_fails_naming_model_and_field():
    class Newsletter(models.Model):
        subscriber_email = models.EmailField()
        topic = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    errors = check_models([Newsletter], dm.Registry())
    assert len(errors) == 1
    assert errors[0].id == "tillit.privacy.E001"
    assert errors[0].msg == ("core.Newsletter is not in the data map. Its fields "
                             "subscriber_email look personal.")


@isolate_apps("tillit.core")
def test_an_undeclared_model_fails_even_when_nothing_looks_personal():
    class Note(models.Model):
        notes = models.TextField()
        data = models.JSONField()

        class Meta:
            app_label = "core"

    assert [e.msg for e in check_models([Note], dm.Registry())] == [
        "core.Note is not in the data map."
    ]


@isolate_apps("tillit.core")
def test_an_undeclared_model_related_to_the_user_fails():
    class Wishlist(models.Model):
        owner = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        note = models.TextField()

        class Meta:
            app_label = "core"

    errors = check_models([Wishlist], dm.Registry())
    assert _messages(errors) == ["core.Wishlist is not in the data map. Its fields owner "
                                 "look personal."]


@isolate_apps("tillit.core")
def test_an_undeclared_model_related_to_a_declared_model_fails():
    class Visit(models.Model):
        ip = models.GenericIPAddressField()

        class Meta:
            app_label = "core"

    class VisitNote(models.Model):
        visit = models.ForeignKey(Visit, on_delete=models.CASCADE)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Visit, title="Visits", subject=dm.Subject(email="ip"),
                fields={"ip": dm.Field("user.device.ip_address", dm.GENERATED)},
                uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST)],
                retention=dm.WhileAccountExists(), on_erasure=dm.DELETE)
    errors = check_models([Visit, VisitNote], reg)
    assert _messages(errors) == ["core.VisitNote is not in the data map. Its fields visit "
                                 "look personal."]


@isolate_apps("tillit.core")
def test_a_new_column_on_a_declared_model_fails_until_it_is_accounted_for():
    class Member(models.Model):
        user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        nickname = models.CharField(max_length=50)
        remarks = models.TextField()
        is_vip = models.BooleanField(default=False)

        class Meta:
            app_label = "core"

    def declare(fields, not_personal=()):
        reg = dm.Registry()
        reg.declare(Member, title="Members", subject=dm.Subject(user="user"), fields=fields,
                    uses=[dm.Use("essential.service", dm.CONTRACT)],
                    retention=dm.WhileAccountExists(), on_erasure=dm.DELETE,
                    not_personal=not_personal)
        return reg

    errors = check_models([Member], declare({"nickname": dm.Field("user.name")}))
    assert sorted(_messages(errors)) == [
        f"core.Member.{name} is not declared in the data map (declare it, or list it in "
        f"not_personal if it holds no personal data)." for name in ("is_vip", "remarks")
    ]
    fixed = declare({"nickname": dm.Field("user.name"),
                     "remarks": dm.Field("user.content.private")}, not_personal=("is_vip",))
    assert check_models([Member], fixed) == []


@isolate_apps("tillit.core")
def test_a_personal_column_cannot_be_waved_through_as_not_personal():
    class Member(models.Model):
        user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        backup_email = models.EmailField()

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Member, title="Members", subject=dm.Subject(user="user"), fields={},
                uses=[dm.Use("essential.service", dm.CONTRACT)],
                retention=dm.WhileAccountExists(), on_erasure=dm.DELETE,
                not_personal=("backup_email",))
    assert [e.id for e in check_models([Member], reg)] == ["tillit.privacy.E007"]


@isolate_apps("tillit.core")
def test_uses_and_recipients_may_only_name_declared_fields():
    class Member(models.Model):
        user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        nickname = models.CharField(max_length=50)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Member, title="Members", subject=dm.Subject(user="user"),
                fields={"nickname": dm.Field("user.name")},
                uses=[dm.Use("essential.service", dm.CONTRACT, fields=("shoe_size",))],
                retention=dm.WhileAccountExists(), on_erasure=dm.DELETE,
                recipients={"carrier": ("nickname", "password")})
    assert sorted(e.id for e in check_models([Member], reg)) == [
        "tillit.privacy.E004", "tillit.privacy.E005"]


@isolate_apps("tillit.core")
def test_a_model_marked_without_personal_data_cannot_link_to_a_person():
    class Review(models.Model):
        author = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.no_personal_data(Review, "claimed anonymous")
    assert [e.id for e in check_models([Review], reg)] == ["tillit.privacy.E007"]


@isolate_apps("tillit.core")
def test_unknown_categories_purposes_bases_and_fields_are_errors():
    class Thing(models.Model):
        user = models.ForeignKey(get_user_model(), null=True, on_delete=models.SET_NULL)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Thing, title="Things", subject=dm.Subject(user="user"),
                fields={"missing": dm.Field("user.shoe_size")},
                uses=[dm.Use("world.domination", "whim")],
                retention=dm.After("nowhere", days=3), on_erasure=dm.Keep(),
                recipients=("the_moon",))
    ids = sorted(e.id for e in check_models([Thing], reg))
    assert ids == sorted([
        "tillit.privacy.E002", "tillit.privacy.E003", "tillit.privacy.E004",
        "tillit.privacy.E004", "tillit.privacy.E005", "tillit.privacy.E006",
    ])


def test_declaring_a_model_twice_is_refused():
    from tillit.catalog.models import Category

    reg = dm.Registry()
    reg.no_personal_data(Category, "categories")
    with pytest.raises(ValueError):
        reg.no_personal_data(Category, "again")


def test_every_concrete_model_of_the_project_is_in_the_data_map_or_marked():
    """A new model cannot slip past the policy: each one is declared or marked as holding none."""
    registry = dm.registry
    missing = [m._meta.label for m in apps.get_models()
               if m not in registry.declarations and m not in registry.none]
    assert missing == []


@isolate_apps("tillit.core")
def test_a_kept_record_must_be_detachable_from_the_account():
    class Ledger(models.Model):
        user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        booked = models.DateTimeField()

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Ledger, title="Ledger", subject=dm.Subject(user="user"),
                fields={"booked": dm.Field("user.financial", dm.GENERATED)},
                uses=[dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION)],
                retention=dm.AccountingPeriod("booked"), on_erasure=dm.Keep())
    assert _messages(check_models([Ledger], reg)) == [
        "core.Ledger.user must be nullable: erasure detaches kept records from the account."]


@isolate_apps("tillit.core")
def test_what_erasure_writes_must_fit_the_real_columns():
    """An erasure action the schema cannot hold (the admin log's NOT NULL account link)
    fails at start-up, not as a 500 in the middle of a person's erasure."""

    class Change(models.Model):
        done_by = models.ForeignKey(get_user_model(), on_delete=models.CASCADE,
                                    related_name="+")
        owner = models.ForeignKey(get_user_model(), on_delete=models.CASCADE,
                                  related_name="+")
        when = models.DateTimeField()
        code = models.CharField(max_length=12)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Change, title="Change", subject=dm.Subject(user="owner"),
                fields={"done_by": dm.Field("system.operations", dm.GENERATED),
                        "when": dm.Field("system.operations", dm.GENERATED),
                        "code": dm.Field("user.unique_id", dm.GENERATED)},
                uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST)],
                retention=dm.After("when", days=30),
                on_erasure=dm.Anonymise(clear=("owner",), hash=("code",)))
    assert _messages(check_models([Change], reg)) == [
        "core.Change.owner: erasure would clear it, but the column can be neither NULL nor "
        "empty.",
        "core.Change.code: erasure would write a keyed hash into it, but it is not a text "
        "field long enough (76 characters).",
        "core.Change.done_by links to an account but is neither the subject's link nor a "
        "made_by link: an erasure of that account would not know what to do with it.",
    ]


@isolate_apps("tillit.core")
def test_a_made_by_link_must_be_an_account_link_with_labels_that_can_hold_a_hash():
    class Note(models.Model):
        author = models.ForeignKey(get_user_model(), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
        author_label = models.CharField(max_length=20)
        text = models.TextField()

        class Meta:
            app_label = "core"

    def declare(made_by):
        reg = dm.Registry()
        reg.declare(Note, title="Note", subject=dm.Subject(),
                    fields={"author": dm.Field("system.operations", dm.GENERATED),
                            "author_label": dm.Field("system.operations", dm.GENERATED),
                            "text": dm.Field("user.content", dm.GENERATED)},
                    uses=[dm.Use("essential.service", dm.CONTRACT)],
                    retention=dm.WhileAccountExists(), on_erasure=dm.DELETE,
                    made_by=made_by)
        return _messages(check_models([Note], reg))

    assert declare({"author": ()}) == []
    assert declare({"text": ()}) == [
        "core.Note.author links to an account but is neither the subject's link nor a "
        "made_by link: an erasure of that account would not know what to do with it.",
        "core.Note: made_by names 'text', which is not a link to an account."]
    assert declare({"author": ("author_label",)}) == [
        "core.Note.author_label: erasure hashes who made the row into it, but it is not a "
        "text field long enough (76 characters)."]


# Names that must be caught however they are written: joined, camel case, Swedish.
PERSONAL_NAMES = [
    "customer_phone", "reviewer_name", "remote_addr", "ipaddr", "ipaddress", "ipAddress",
    "ip_v4", "clientIp", "useragent", "userAgent", "fullname", "firstname", "lastname",
    "firstName", "birth", "birthdate", "date_of_birth", "dob", "ssn", "personnummer",
    "epost", "epostadress", "telefon", "telefonnummer", "mobil", "mobile_number",
    "adress", "leveransadress", "namn", "fornamn", "efternamn", "födelsedatum",
    "zipcode", "postnr", "orgnr", "vat_number", "sessionkey", "lösenord",
]
# Names a shop's own models use for things, not people: no allowance needed.
THING_NAMES = [
    "title", "sku", "slug", "price_ore", "vat_rate", "stock", "description", "position",
    "shipping_fee", "is_active", "created_at", "filename", "hostname", "codename",
    "tracking_url_template", "sort_order", "kind", "weight_grams",
]


def _model_with(field_name, app_label="core"):
    """A throw-away model ``Review`` with one text column called ``field_name``."""
    return type("Review", (models.Model,), {
        "__module__": __name__,
        field_name: models.CharField(max_length=50),
        "Meta": type("Meta", (), {"app_label": app_label}),
    })


@pytest.mark.parametrize("field_name", PERSONAL_NAMES)
def test_a_model_marked_without_personal_data_fails_on_a_personal_looking_name(field_name):
    with isolate_apps("tillit.core"):
        review = _model_with(field_name)
        reg = dm.Registry()
        reg.no_personal_data(review, "claimed to hold none")
        errors = check_models([review], reg)
    assert [(e.id, e.msg) for e in errors] == [(
        "tillit.privacy.E007",
        f"core.Review is marked as holding no personal data but {field_name} looks "
        f"personal.",
    )]


@pytest.mark.parametrize("field_name", PERSONAL_NAMES)
def test_an_undeclared_model_names_its_personal_looking_field(field_name):
    with isolate_apps("tillit.core"):
        review = _model_with(field_name)
        errors = check_models([review], dm.Registry())
    assert [(e.id, e.msg) for e in errors] == [(
        "tillit.privacy.E001",
        f"core.Review is not in the data map. Its fields {field_name} look personal.",
    )]


@pytest.mark.parametrize("field_name", THING_NAMES)
def test_names_of_things_pass_on_a_model_without_personal_data(field_name):
    with isolate_apps("tillit.core"):
        thing = _model_with(field_name)
        reg = dm.Registry()
        reg.no_personal_data(thing, "the shop's own things")
        assert check_models([thing], reg) == []


@isolate_apps("tillit.core")
def test_a_personal_looking_name_passes_only_when_listed_with_a_reason():
    class Product(models.Model):
        name = models.CharField(max_length=50)
        sku = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    listed = dm.Registry()
    listed.no_personal_data(Product, "products", not_personal={"name": "names a product"})
    assert check_models([Product], listed) == []
    assert listed.none[Product].not_personal == {"name": "names a product"}
    with pytest.raises(ValueError):
        dm.Registry().no_personal_data(Product, "products", not_personal={"name": ""})


@isolate_apps("tillit.core")
def test_an_email_or_ip_column_cannot_be_listed_as_not_personal():
    class Visit(models.Model):
        contact = models.EmailField()
        source = models.GenericIPAddressField()

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.no_personal_data(Visit, "claimed anonymous",
                         not_personal={"contact": "a shared inbox", "source": "a proxy"})
    assert _messages(check_models([Visit], reg)) == [
        "core.Visit is marked as holding no personal data but contact links to or holds "
        "personal data.",
        "core.Visit is marked as holding no personal data but source links to or holds "
        "personal data.",
    ]


@isolate_apps("tillit.core")
def test_an_allowance_for_a_missing_column_is_an_error():
    class Product(models.Model):
        title = models.CharField(max_length=50)

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.no_personal_data(Product, "products", not_personal={"name": "names a product"})
    assert _messages(check_models([Product], reg)) == [
        "core.Product: not_personal names 'name', which the model lacks."]
