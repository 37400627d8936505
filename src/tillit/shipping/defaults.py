"""The carriers a Swedish shop starts with. Staff change them in the admin; the tracking
addresses are the carriers' public tracking pages."""

DEFAULT_CARRIERS = [
    # (code, name, tracking URL template)
    ("postnord", "PostNord", "https://tracking.postnord.com/se/?id={tracking_number}"),
    ("dhl", "DHL", "https://www.dhl.com/se-sv/home/tracking.html?tracking-id={tracking_number}"),
    ("db-schenker", "DB Schenker",
     "https://www.dbschenker.com/app/tracking-public/?refNumber={tracking_number}"),
    ("bring", "Bring", "https://tracking.bring.se/tracking/{tracking_number}"),
    ("instabox", "Instabox", "https://track.instabox.io/{tracking_number}"),
    ("budbee", "Budbee", "https://tracking.budbee.com/{tracking_number}"),
]
DEFAULT_CARRIER_CODE = "postnord"
