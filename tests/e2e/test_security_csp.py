"""The shop's pages raise no Content-Security-Policy violation in Chromium under the
production policy (P34). The demo serves plain HTTP on loopback without a CSP, so the test
adds the production policy (tillit.security.csp, less upgrade-insecure-requests, which
would send loopback requests to HTTPS) to every page the browser loads."""

import re

import pytest
from csp.utils import build_policy

from tillit.accounts.demo import CUSTOMER
from tillit.security.csp import directives

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.mark.promise("P34")
def test_shop_pages_raise_no_csp_violation_in_chromium(demo_server, browser):
    base = demo_server["url"].rstrip("/")
    policy = build_policy(config=directives([], upgrade_insecure=False))
    context = browser.new_context()
    page = context.new_page()
    violations, documents = [], []

    def with_policy(route):
        response = route.fetch(max_redirects=0)
        documents.append(route.request.url)
        route.fulfill(response=response,
                      headers={**response.headers, "content-security-policy": policy})

    page.route(lambda url: url.startswith(base), lambda route: (
        with_policy(route) if route.request.resource_type == "document" else route.continue_()))
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)

    def visit(path):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        return page.content()

    home = visit("/")
    category = re.search(r'href="(/kategori/[^"]+)"', home).group(1)
    product = re.search(r'href="(/produkt/[^"]+)"', visit(category)).group(1)
    visit(product)
    page.click("form.add-to-cart button, form[action*='lagg-till'] button")
    for path in ("/kundvagn/", "/sok/?q=mix", "/konto/registrera/", "/konto/losenord/aterstall/",
                 "/integritetspolicy", "/en/privacy-policy", "/sidor/cookies", "/konto/logga-in/"):
        visit(path)
    page.fill("input[name=username]", CUSTOMER[1])
    page.fill("input[name=password]", CUSTOMER[2])
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/konto/$"))
    assert "/konto/" in documents[-1]
    context.close()
    assert violations == []
