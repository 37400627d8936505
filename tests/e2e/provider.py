"""The buyer's part in the provider's checkout (the emulator's page in the snippet's frame),
for the browser tests."""

BUYER = {"email": "kim.kund@example.com", "given_name": "Kim", "family_name": "Kund",
         "street_address": "Exempelgatan 1", "postal_code": "56531", "city": "Mullsjö",
         "phone": "070-123 45 67"}


def fill_in_and_confirm(page, *, screenshot=None, **changes):
    """Fill in the provider's checkout framed on ``page`` and confirm; waits for the shop's
    confirmation page. ``screenshot``: a path for the filled-in checkout page."""
    frame = page.frame_locator("#klarna-checkout-iframe")
    for name, value in {**BUYER, **changes}.items():
        frame.locator(f"input[name={name}]").fill(value)
    frame.locator("input[name=payment_method]").first.check()
    if screenshot is not None:
        page.screenshot(path=screenshot, full_page=True)
    frame.locator("button[name=confirm]").click()
    page.wait_for_url("**/kassa/bekraftelse/**")
