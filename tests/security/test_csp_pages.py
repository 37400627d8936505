"""The shop's own pages pass a strict Content-Security-Policy (P34): no inline scripts,
no inline styles, no event-handler attributes. (The browser check with the production
policy is tests/e2e/test_security_csp.py.)"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tillit.security.services import block_ip

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
        if attrs.get("href", "").startswith("javascript:"):
            self.found.append("javascript: link")


def _inline(html):
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def pages(client, customer, product, staff):
    def get(url, **extra):
        response = client.get(url, **extra)
        assert response.status_code in (200, 403, 429), (url, response.status_code)
        return response.content.decode()

    urls = [reverse("catalog:home"), product.category.get_absolute_url(),
            product.get_absolute_url(), reverse("catalog:search") + "?q=mixer",
            reverse("cart:detail"), reverse("accounts:login"), reverse("accounts:register"),
            reverse("accounts:password_reset"), reverse("privacy:policy"),
            reverse("cookies:page")]
    out = {url: get(url) for url in urls}
    client.force_login(customer)
    for url in (reverse("accounts:profile"), reverse("accounts:address_list"),
                reverse("accounts:address_create")):
        out[url] = get(url)
    client.force_login(staff)
    out["otp"] = get(reverse("security:otp"))
    from tillit.security.services import issue_enrolment

    out["enrol"] = get(reverse("security:enrol", args=[issue_enrolment(staff)]))
    block_ip("203.0.113.9", reason="test", expires_at=product.created_at.replace(year=2100))
    out["blocked"] = get("/", REMOTE_ADDR="203.0.113.9")
    return out


@pytest.mark.promise("P34")
def test_shop_pages_have_no_inline_script_or_style(pages):
    problems = {url: _inline(html) for url, html in pages.items() if _inline(html)}
    assert problems == {}
