"""Distance-selling duties (distansavtalslagen 2 kap., e-handelslagen 8 §; issue 11 §5):
the terms carry the standard withdrawal form, how to reach a person, the trade-register
fact, delivery times and the refund rule; the confirmation links to the form and carries
the terms as they were at purchase."""

import pytest
from django.urls import reverse
from django.utils import translation

from tillit.orders.notifications import TERMS_FILE

pytestmark = pytest.mark.django_db

FORM_TEXT = (
    "Standardformulär för utövande av ångerrätten",
    "Jag/Vi (*) meddelar härmed att jag/vi (*) frånträder mitt/vårt (*) avtal om köp av "
    "följande varor (*)/tillhandahållande av följande tjänster (*):",
    "Beställd den (*)/mottagen den (*):",
    "Konsumentens/konsumenternas namn:",
    "Konsumentens/konsumenternas adress:",
    "Konsumentens/konsumenternas underskrift (endast om formuläret skickas på papper):",
    "(*) Stryk det som inte gäller.",
)


def test_the_terms_carry_the_standard_withdrawal_form_and_the_traders_facts(client, settings):
    page = client.get(reverse("checkout:terms")).content.decode().replace("&#x27;", "'")
    for text in FORM_TEXT:
        assert text in page, text
    form = page.split('id="withdrawal-form"', 1)[1].split("</section>", 1)[0]
    controller = settings.TILLIT_CONTROLLER
    assert controller["name"] in form and controller["email"] in form
    assert "JKSound HB är ett handelsbolag registrerat hos Bolagsverket." in page
    assert "Vi har ingen telefonservice" in page  # no phone line: how to reach a person
    assert "inom två arbetsdagar" in page  # delivery times
    assert "eller du har visat att du har skickat tillbaka dem" in page  # the refund rule


def test_a_shop_with_a_phone_line_shows_it_instead(client, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "phone": "036-12 34 56"}
    page = client.get(reverse("checkout:terms")).content.decode()
    assert "036-12 34 56" in page and "Vi har ingen telefonservice" not in page


def test_the_confirmation_links_the_form_and_carries_the_terms_as_at_purchase(
        place, product, mailoutbox):
    order = place([(product, 1)])
    [message] = mailoutbox
    with translation.override("sv"):
        form_url = f"{reverse('checkout:terms')}#withdrawal-form"
    assert form_url in message.body and form_url.startswith("/kopvillkor")
    names = [name for name, _content, _kind in message.attachments]
    assert TERMS_FILE in names and f"{order.receipt.display_number}.html" in names
    terms = dict((n, c) for n, c, _k in message.attachments)[TERMS_FILE]
    for text in FORM_TEXT:
        assert text in terms.replace("&#x27;", "'"), text
    assert "Villkoren så som de löd när du beställde" in terms
    assert "<script" not in terms and "<link" not in terms  # a document of its own
