"""Money as integer öre, and the VAT arithmetic Klarna expects (DESIGN.md, "Money").

Prices are stored including VAT. A VAT rate is kept in basis points (2500 = 25 %), as
Klarna's ``tax_rate``. The VAT part of a gross amount is
``gross - round(gross * 10000 / (10000 + rate))``, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass

VAT_RATES = (2500, 1200, 600)
CURRENCY = "SEK"


def vat_part(gross_ore: int, rate_bp: int) -> int:
    """The VAT included in ``gross_ore`` at ``rate_bp`` basis points."""
    divisor = 10000 + rate_bp
    net = (gross_ore * 10000 * 2 + divisor) // (2 * divisor)
    return gross_ore - net


@dataclass(frozen=True, slots=True, order=True)
class Money:
    ore: int
    currency: str = CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.ore, int) or isinstance(self.ore, bool):
            raise TypeError("Money is whole öre (int), never a float.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.ore + other.ore, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.ore - other.ore, self.currency)

    def __mul__(self, times: int) -> Money:
        if not isinstance(times, int):
            raise TypeError("Money is multiplied by whole quantities only.")
        return Money(self.ore * times, self.currency)

    __rmul__ = __mul__

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"Cannot mix {self.currency} and {other.currency}.")

    def vat(self, rate_bp: int) -> Money:
        return Money(vat_part(self.ore, rate_bp), self.currency)

    def __str__(self) -> str:
        return format_sek(self.ore)


def format_sek(ore: int) -> str:
    """Swedish price format: ``1 299 kr``, ``1 299,50 kr``, ``-45 kr`` (non-breaking spaces)."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    grouped = f"{kronor:,}".replace(",", "\u00a0")
    decimals = f",{rest:02d}" if rest else ""
    return f"{sign}{grouped}{decimals}\u00a0kr"


def format_rate(rate_bp: int) -> str:
    """``2500`` → ``25 %``; ``1250`` → ``12,5 %``."""
    whole, frac = divmod(rate_bp, 100)
    return f"{whole}\u00a0%" if not frac else f"{whole},{frac:02d}".rstrip("0") + "\u00a0%"


@dataclass(frozen=True, slots=True)
class VatLine:
    rate_bp: int
    gross: Money
    vat: Money

    @property
    def net(self) -> Money:
        return self.gross - self.vat


def vat_breakdown(lines: list[tuple[int, int]]) -> list[VatLine]:
    """Group ``(gross_ore, rate_bp)`` pairs per rate; VAT per line as Klarna computes it."""
    per_rate: dict[int, tuple[int, int]] = {}
    for gross, rate in lines:
        total, vat = per_rate.get(rate, (0, 0))
        per_rate[rate] = (total + gross, vat + vat_part(gross, rate))
    return [
        VatLine(rate, Money(total), Money(vat))
        for rate, (total, vat) in sorted(per_rate.items(), reverse=True)
    ]
