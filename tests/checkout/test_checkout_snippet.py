"""The provider's snippet gets the page's CSP nonce on its own script and style elements,
and nothing else about it changes."""

from tillit.checkout.snippet import with_nonce

# Shaped like Klarna Checkout's snippet: a style element, an inline script whose code
# mentions "<script" in a string, and a noscript note.
KLARNA_LIKE = (
    '<div id="klarna-checkout-container" style="overflow-x: hidden;">'
    '<div id="klarna-unsupported-page"><STYLE type="text/css">#x{opacity:0}</STYLE></div>'
    "<script type=\"text/javascript\">var t='<script>';"
    "n=d.createElement('script');</script>"
    "<noscript>Please enable JavaScript.</noscript></div>")


def test_each_script_and_style_element_gets_the_nonce_once():
    html = with_nonce(KLARNA_LIKE, "abc123")

    assert html.count('nonce="abc123"') == 2
    assert '<STYLE nonce="abc123" type="text/css">' in html
    assert '<script nonce="abc123" type="text/javascript">' in html
    assert "var t='<script>';" in html  # code inside the element is left alone
    assert html.replace(' nonce="abc123"', "") == KLARNA_LIKE


def test_without_a_nonce_the_snippet_is_unchanged():
    assert with_nonce(KLARNA_LIKE, "") == KLARNA_LIKE


def test_the_nonce_is_escaped_into_the_attribute():
    assert 'nonce="a&quot;b"' in with_nonce("<script></script>", 'a"b')
