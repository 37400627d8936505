"""The shop's Content-Security-Policy (P34), one definition for the production settings
and for the browser test that holds the shop's pages to it."""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

# Where the checkout provider's browser side lives, by the registrable domain of its API
# host. Klarna Checkout v3's ``html_snippet`` is a container with an inline script that
# loads ``checkout.bootstrap.js`` from Klarna's CDN (``*.klarnacdn.net``), which frames the
# checkout from the provider's own domain (``checkout-eu.klarna.com`` & co.; hosts vary by
# region and environment, hence the wildcards). Kustom runs the same product since 2025-26:
# its own hosts are under kustom.co, and the bootstrap is assumed to still come from the
# Klarna CDN until Kustom says otherwise. TILLIT_CSP_CHECKOUT_ORIGINS adds origins.
PROVIDER_BROWSER_ORIGINS = {
    "klarna.com": ("https://*.klarna.com", "https://*.klarnacdn.net"),
    "kustom.co": ("https://*.kustom.co", "https://*.klarnacdn.net"),
}


def checkout_origins(base_url: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The origins the checkout provider's snippet loads scripts and frames from: the
    origin of its API ``base_url`` (the emulator serves both from there), the known browser
    hosts of that provider (:data:`PROVIDER_BROWSER_ORIGINS`), then ``extra``."""
    parts = urlsplit(base_url or "")
    origins = []
    if parts.scheme in ("http", "https") and parts.hostname:
        origins.append(f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}")
        host = parts.hostname.lower()
        for domain, hosts in PROVIDER_BROWSER_ORIGINS.items():
            if host == domain or host.endswith("." + domain):
                origins += hosts
    for origin in extra:
        if origin not in origins:
            origins.append(origin)
    return origins


def directives(checkout_origins: list[str], *, upgrade_insecure: bool = True) -> dict:
    """Our own files only. The shop has no inline script or style (its CSS is a file);
    the checkout provider's snippet brings an inline script (and style) that gets the
    per-request nonce (``request.csp_nonce``, see ``checkout/snippet.py``), loads the
    provider's script from its origins and frames the provider's checkout from them."""
    policy = {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *checkout_origins],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, *checkout_origins],
        "child-src": [SELF, *checkout_origins],
        "form-action": [SELF, *checkout_origins],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
    if upgrade_insecure:
        policy["upgrade-insecure-requests"] = True
    return policy
