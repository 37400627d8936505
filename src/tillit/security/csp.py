"""The shop's Content-Security-Policy (P34), one definition for the production settings
and for the browser test that holds the shop's pages to it."""

from csp.constants import NONCE, NONE, SELF


def directives(checkout_origins: list[str], *, upgrade_insecure: bool = True) -> dict:
    """Our own files only. The shop has no inline script or style (its CSS is a file);
    the checkout provider's snippet runs in the provider's iframe, so its origins may be
    framed, and a script the snippet brings inline gets the per-request nonce
    (``{{ request.csp_nonce }}``)."""
    policy = {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *checkout_origins],
        "style-src": [SELF],
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
