from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tillit.core.money import Money, vat_part


class Category(models.Model):
    """A product category; nested one level (a top category and its subcategories)."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent category"))
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])

    def clean(self) -> None:
        """Categories nest one level: a subcategory's parent is a top category."""
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Choose a top category as parent.")})
        if self.pk is not None and self.children.exists():
            raise ValidationError(
                {"parent": _("This category has subcategories, so it must stay a top category.")}
            )


class VatRate(models.IntegerChoices):
    STANDARD = 2500, _("25 %")
    REDUCED = 1200, _("12 %")
    LOW = 600, _("6 %")


class ProductKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical product")
    LICENCE = "licence", _("Software licence")
    CLOUD = "cloud", _("Cloud service")


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    price_ore = models.PositiveIntegerField(
        _("price incl. VAT (öre)"), validators=[MinValueValidator(0)],
        help_text=_("Consumer price including VAT, in öre: 129900 is 1 299 kr."),
    )
    vat_rate = models.PositiveIntegerField(_("VAT rate"), choices=VatRate.choices,
                                           default=VatRate.STANDARD)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices,
                            default=ProductKind.PHYSICAL)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["category", "is_active", "price_ore"]),
            models.Index(fields=["is_active", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    @property
    def price(self) -> Money:
        return Money(self.price_ore)

    @property
    def vat_ore(self) -> int:
        return vat_part(self.price_ore, self.vat_rate)

    @property
    def is_buyable(self) -> bool:
        return self.is_active and self.stock > 0
