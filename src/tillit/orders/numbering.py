"""Sequential numbers without gaps: orders, receipts, credit notes.

:func:`next_number` must be called inside the transaction that writes the numbered row. It
locks the series row until that transaction ends, so concurrent callers queue and each gets
the next number; if the transaction rolls back, so does the number. That is what makes the
receipt series gapless, as Bokföringslagen expects of verifikationer.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import NumberSeries

ORDER, RECEIPT, CREDIT_NOTE = "order", "receipt", "credit_note"
# The number before the first one issued: orders start at 100001, documents at 1.
STARTS = {ORDER: 100000, RECEIPT: 0, CREDIT_NOTE: 0}


def next_number(series: str) -> int:
    if series not in STARTS:
        raise ValueError(f"Unknown number series: {series}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that uses it.")
    row = NumberSeries.objects.select_for_update().filter(key=series).first()
    if row is None:
        # First use of the series: create it; a concurrent first use may win the insert.
        try:
            with transaction.atomic():
                NumberSeries.objects.create(key=series, last_number=STARTS[series])
        except IntegrityError:
            pass
        row = NumberSeries.objects.select_for_update().get(key=series)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number
