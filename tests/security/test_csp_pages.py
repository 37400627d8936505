"""The shop's own pages pass a strict Content-Security-Policy (P34): no inline script or
style but the checkout provider's snippet, which carries the response's nonce; no
event-handler attributes. The pages are served through the production policy's middleware.
(The browser check with the production policy is tests/e2e/test_security_csp.py.)"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tillit.orders import links
from tillit.security.csp import checkout_origins, directives
from tillit.security.services import block_ip

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    """Inline code a strict policy refuses: scripts and style elements without the page's
    nonce, style and event-handler attributes, javascript: links."""

    def __init__(self, nonce: str = ""):
        super().__init__()
        self.nonce = nonce
        self.found = []

    def _nonced(self, attrs) -> bool:
        return bool(self.nonce) and attrs.get("nonce") == self.nonce

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (tag == "script" and not attrs.get("src")
                and attrs.get("type") != "application/json" and not self._nonced(attrs)):
            self.found.append("inline <script>")
        if tag == "style" and not self._nonced(attrs):
            self.found.append("<style> element")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
        if (attrs.get("href") or "").startswith("javascript:"):
            self.found.append("javascript: link")


def _inline(html, nonce=""):
    finder = _InlineFinder(nonce)
    finder.feed(html)
    return finder.found


def _nonce(policy: str) -> str:
    match = re.search(r"'nonce-([^']+)'", policy)
    return match.group(1) if match else ""


@pytest.fixture
def production_csp(settings):
    """The production policy and its middleware (tillit.settings.production)."""
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], "csp.middleware.CSPMiddleware",
                           *settings.MIDDLEWARE[1:]]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives(
        checkout_origins(settings.TILLIT_CHECKOUT["base_url"]))}


@pytest.fixture
def pages(client, customer, product, staff, customer_order, guest_order, production_csp):
    """Each page's HTML and the nonce its policy named."""

    def get(url, **extra):
        response = client.get(url, **extra)
        assert response.status_code in (200, 403, 429), (url, response.status_code)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        return response.content.decode(), _nonce(policy)

    urls = [reverse("catalog:home"), product.category.get_absolute_url(),
            product.get_absolute_url(), reverse("catalog:search") + "?q=mixer",
            reverse("cart:detail"), reverse("accounts:login"), reverse("accounts:register"),
            reverse("accounts:password_reset"), reverse("privacy:policy"),
            reverse("cookies:page"), links.order_path(guest_order)]
    out = {url: get(url) for url in urls}
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    out["checkout"] = get(reverse("checkout:start"))
    client.force_login(customer)
    for url in (reverse("accounts:profile"), reverse("accounts:address_list"),
                reverse("accounts:address_create"), reverse("orders:list"),
                reverse("orders:detail", args=[customer_order.number]),
                reverse("orders:return", args=[customer_order.number])):
        out[url] = get(url)
    client.force_login(staff)
    out["otp"] = get(reverse("security:otp"))
    from tillit.security.services import issue_enrolment

    out["enrol"] = get(reverse("security:enrol", args=[issue_enrolment(staff)]))
    block_ip("203.0.113.9", reason="test", expires_at=product.created_at.replace(year=2100))
    out["blocked"] = get("/", REMOTE_ADDR="203.0.113.9")
    return out


def test_shop_pages_have_no_inline_script_or_style(pages):
    problems = {url: _inline(html, nonce) for url, (html, nonce) in pages.items()
                if _inline(html, nonce)}
    assert problems == {}


def test_the_checkout_gives_the_providers_snippet_the_pages_nonce(pages):
    html, nonce = pages["checkout"]
    snippet = html.split("data-provider-checkout>", 1)[1].split("</section>", 1)[0]

    scripts = re.findall(r"<script\b[^>]*>", snippet)
    assert nonce and scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_the_policy_lets_the_providers_script_load_and_frame_the_checkout(client, product,
                                                                         production_csp,
                                                                         settings):
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})

    policy = client.get(reverse("checkout:start")).headers["Content-Security-Policy"]

    provider = re.match(r"https?://[^/]+", settings.TILLIT_CHECKOUT["base_url"]).group(0)
    directive = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert provider in directive["script-src"] and provider in directive["frame-src"]
    assert "'unsafe-inline'" not in policy


def test_receipts_keep_their_own_stricter_policy(client, customer, customer_order,
                                                 production_csp):
    client.force_login(customer)

    response = client.get(reverse("orders:receipt", args=[customer_order.number]))

    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


@pytest.mark.parametrize(("base_url", "expected"), [
    ("https://api.playground.kustom.co", ["https://api.playground.kustom.co",
                                          "https://*.kustom.co", "https://*.klarnacdn.net"]),
    ("https://api.klarna.com", ["https://api.klarna.com", "https://*.klarna.com",
                                "https://*.klarnacdn.net"]),
    ("http://127.0.0.1:8123/klarna-emulator", ["http://127.0.0.1:8123"]),
    ("", []),
])
def test_the_providers_origins_follow_its_api_host(base_url, expected):
    assert checkout_origins(base_url) == expected


def test_extra_provider_origins_come_after_the_derived_ones_once():
    extra = ["https://cdn.example", "https://*.kustom.co"]
    assert checkout_origins("https://api.kustom.co", extra) == [
        "https://api.kustom.co", "https://*.kustom.co", "https://*.klarnacdn.net",
        "https://cdn.example"]
