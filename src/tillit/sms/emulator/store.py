"""The emulator's messages: one JSON file per SMS in ``TILLIT_SMS_EMULATOR_DIR``, so that
the demo's two servers (the shop, which shows the inbox, and the emulator's own) and a
test see the same ones. Demo data only: nothing here is the shop's."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def _folder() -> Path:
    folder = Path(settings.TILLIT_SMS_EMULATOR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(*, direction: str, sender: str, to: str, message: str, **extra) -> dict:
    record = {"id": "s" + secrets.token_hex(16), "direction": direction, "from": sender,
              "to": to, "message": message, "created": timezone.now().isoformat(),
              "parts": max(1, -(-len(message) // 153)), **extra}
    path = _folder() / f"{record['created'].replace(':', '')}-{record['id']}.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return record


def messages() -> list[dict]:
    """Every message, oldest first."""
    found = []
    for path in sorted(_folder().glob("*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return found


def threads() -> dict[str, list[dict]]:
    """The messages per mobile number (the person's side), newest thread first."""
    by_number: dict[str, list[dict]] = {}
    for record in messages():
        record["shown"] = timezone.localtime(
            dt.datetime.fromisoformat(record["created"])).strftime("%Y-%m-%d %H:%M")
        number = record["to"] if record["direction"] == "outgoing" else record["from"]
        by_number.setdefault(number, []).append(record)
    return dict(sorted(by_number.items(), key=lambda item: item[1][-1]["created"],
                       reverse=True))


def clear() -> None:
    for path in _folder().glob("*.json"):
        path.unlink(missing_ok=True)
