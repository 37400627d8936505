"""The privacy policy's promises and their requirements (POLICY-PROMISES.md), as data.

Each promise (P01-P35) is split into requirements (P15.a, P15.c, ...), each with its text in
English and Swedish. Tests prove requirements: ``@pytest.mark.promise("P15.c")``; a bare
promise ID proves nothing and is refused by the pytest plugin, as is an ID that is not
here.

``tillit promises`` runs the marked tests (or reads a results file written by
``pytest --promise-report=FILE``) and reports each requirement as ``failing`` (a marked
test failed), ``proven`` (at least one passed and none failed; a test skipped here, such as
a PostgreSQL-only one on SQLite, proves nothing either way) or ``unproven`` (no marked test
passed), and each promise as ``proven`` (every requirement proven), ``partial`` (some),
``failing`` (a requirement failing) or ``unproven`` (none). Nothing is hidden: a
requirement whose feature is not built yet shows as unproven.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Requirement:
    id: str
    en: str
    sv: str

    @property
    def promise(self) -> str:
        return self.id.split(".", 1)[0]

    def text(self, language: str = "en") -> str:
        return self.sv if language.startswith("sv") else self.en


@dataclass(frozen=True)
class Promise:
    id: str
    en: str
    sv: str
    requirements: tuple[Requirement, ...] = ()

    def text(self, language: str = "en") -> str:
        return self.sv if language.startswith("sv") else self.en


def _r(rid: str, en: str, sv: str) -> Requirement:
    return Requirement(rid, en, sv)


_PROMISES = [
    ("P01",
     "All prices include VAT",
     "Alla priser inkl. moms"),
    ("P02",
     "Fast delivery",
     "Snabb leverans"),
    ("P03",
     "JKSound HB is the controller, with org.nr, address and e-mail",
     "JKSound HB är personuppgiftsansvarig, med org.nr, adress och e-post"),
    ("P04",
     "Processing follows the GDPR and Swedish supplementary law",
     "Behandlingen följer dataskyddsförordningen och svensk kompletterande lag"),
    ("P05",
     "Only the data a purchase needs; the policy is information",
     "Bara de uppgifter ett köp kräver; policyn är information"),
    ("P06",
     "Data you give: name, e-mail, phone, user ID, password, company",
     "Uppgifter du lämnar: namn, e-post, telefon, användar-ID, lösenord, företag"),
    ("P07",
     "What you give when reporting a problem",
     "Det du lämnar när du anmäler ett problem"),
    ("P08",
     "What you give when signing up for services",
     "Det du lämnar när du anmäler dig till tjänster"),
    ("P09",
     "What you do in the webshop",
     "Vad du gör i webbutiken"),
    ("P10",
     "Your public IP address",
     "Din publika IP-adress"),
    ("P11",
     "Logins with time and date",
     "Inloggningar med tid och datum"),
    ("P12",
     "Carts and customer addresses",
     "Kundvagnar och kundadresser"),
    ("P13",
     "Failed logins to your account",
     "Misslyckade inloggningar på ditt konto"),
    ("P14",
     "Data from manufacturers' and suppliers' systems",
     "Uppgifter från tillverkares och leverantörers system"),
    ("P15",
     "Cookies, described in the cookie policy",
     "Kakor, beskrivna i kakpolicyn"),
    ("P16",
     "Data from third parties, for marketing only with permission",
     "Uppgifter från tredje part, för marknadsföring bara med ditt tillstånd"),
    ("P17",
     "Contract purposes",
     "Ändamål för att fullgöra avtal"),
    ("P18",
     "Legitimate interest: statistics, blocking misuse, logs, legal claims",
     "Berättigat intresse: statistik, blockering av missbruk, loggar, rättsliga anspråk"),
    ("P19",
     "Legitimate interest: offers that may interest you",
     "Berättigat intresse: erbjudanden som kan intressera dig"),
    ("P20",
     "Marketing by e-mail, SMS or letter only with consent",
     "Marknadsföring via e-post, sms eller brev bara med samtycke"),
    ("P21",
     "Legal obligations and decisions of authorities",
     "Rättsliga förpliktelser och myndighetsbeslut"),
    ("P22",
     "Marketing tailored to you, if you asked for it",
     "Marknadsföring anpassad efter dig, om du bett om det"),
    ("P23",
     "Kept as long as a legal basis exists",
     "Sparas så länge en rättslig grund finns"),
    ("P24",
     "Purchases: contract; marketing: consent",
     "Köp: avtal; marknadsföring: samtycke"),
    ("P25",
     "Suppliers, manufacturers, carriers and support partners receive what they need",
     "Leverantörer, tillverkare, transportörer och supportpartner får det de behöver"),
    ("P26",
     "Third parties for legal and security reasons",
     "Tredje part av rättsliga skäl och säkerhetsskäl"),
    ("P27",
     "Processors act only on our instructions",
     "Personuppgiftsbiträden agerar bara på våra instruktioner"),
    ("P28",
     "The checkout provider runs the checkout",
     "Betalleverantören sköter kassan"),
    ("P29",
     "Right of access",
     "Rätt till tillgång"),
    ("P30",
     "Right to rectification",
     "Rätt till rättelse"),
    ("P31",
     "Right to erasure",
     "Rätt till radering"),
    ("P32",
     "Exceptions, such as the Bookkeeping Act",
     "Undantag, till exempel bokföringslagen"),
    ("P33",
     "JKSound ensures the rules are followed",
     "JKSound ser till att reglerna följs"),
    ("P34",
     "SSL/TLS for communication",
     "SSL/TLS för kommunikation"),
    ("P35",
     "One-way hashes for passwords and sensitive data",
     "Envägshashning för lösenord och känsliga uppgifter"),
]

_REQUIREMENTS = [
    _r("P01.a",
       "Every consumer price is shown including VAT (25 / 12 / 6 % per product).",
       "Varje konsumentpris visas inklusive moms (25, 12 eller 6 % per produkt)."),
    _r("P01.b",
       "The VAT part per rate is shown on cart, checkout, receipt and invoice.",
       "Momsen per sats visas i kundvagnen, kassan, på kvittot och fakturan."),
    _r("P02.a",
       "Every order has a visible delivery status, and a tracking link once shipped.",
       "Varje beställning har en synlig leveransstatus och en spårningslänk när den skickats."),
    _r("P02.b",
       "The delivery time and shipping cost of each shipping option are shown before purchase.",
       "Leveranstid och fraktkostnad för varje leveranssätt visas före köpet."),
    _r("P03.a",
       "The controller's identity and contact appear on the policy page, receipts, every e-mail "
       "and every page footer, from one setting.",
       "Den personuppgiftsansvariges identitet och kontaktuppgifter står på integritetspolicyn, "
       "kvitton, varje e-postmeddelande och i varje sidfot, från en enda inställning."),
    _r("P04.a",
       "Every right is usable without contacting staff where the law allows, by account holders "
       "and by guests (verified by e-mail).",
       "Varje rättighet kan utövas utan att kontakta personalen där lagen tillåter, av "
       "kontoinnehavare och av gäster (verifierade via e-post)."),
    _r("P05.a",
       "A guest can buy without an account.",
       "En gäst kan handla utan konto."),
    _r("P05.b",
       "The order asks only for fields the order needs; the policy says which are required and "
       "why.",
       "Beställningen frågar bara efter de uppgifter den behöver; policyn säger vilka som krävs "
       "och varför."),
    _r("P05.c",
       "The policy version shown at checkout is recorded on the order.",
       "Den version av policyn som visades i kassan sparas på beställningen."),
    _r("P06.a",
       "An account stores exactly these fields: name, e-mail, phone, user ID, password, company.",
       "Ett konto lagrar exakt dessa uppgifter: namn, e-post, telefon, användar-ID, lösenord, "
       "företag."),
    _r("P06.b",
       "The password is stored only as an Argon2id hash.",
       "Lösenordet lagras bara som en Argon2id-hash."),
    _r("P07.a",
       "Customers (account or guest) open a problem report tied to an order line or product, with "
       "attachments.",
       "Kunder (med konto eller som gäst) anmäler ett problem kopplat till en orderrad eller "
       "produkt, med bilagor."),
    _r("P07.b",
       "Staff answer by e-mail and track status; the case is in the data map (export, erasure, "
       "retention).",
       "Personalen svarar via e-post och följer ärendets status; ärendet finns i datakartan "
       "(utdrag, radering, gallring)."),
    _r("P08.a",
       "Service sign-ups (licences, cloud services, extended warranty) record what the person "
       "gave.",
       "Anmälningar till tjänster (licenser, molntjänster, utökad garanti) sparar det personen "
       "lämnade."),
    _r("P08.b",
       "The sign-up's data is shown in the access export and erased or kept per its declaration.",
       "Anmälans uppgifter finns i registerutdraget och raderas eller sparas enligt "
       "deklarationen."),
    _r("P09.a",
       "An activity log (page views, searches, cart and checkout events) tied to session or "
       "customer.",
       "En aktivitetslogg (sidvisningar, sökningar, händelser i kundvagn och kassa) kopplad till "
       "session eller kund."),
    _r("P09.b",
       "The activity log has a short declared retention, enforced by the sweep.",
       "Aktivitetsloggen har en kort deklarerad lagringstid som gallringen upprätthåller."),
    _r("P10.a",
       "The IP address is recorded on activity, logins and orders.",
       "IP-adressen sparas för aktivitet, inloggningar och beställningar."),
    _r("P10.b",
       "The IP address is kept raw only as long as declared, then replaced by a keyed one-way "
       "hash.",
       "IP-adressen sparas i klartext bara så länge som deklarerats och ersätts sedan av en "
       "envägshash med hemlig nyckel."),
    _r("P11.a",
       "Every successful login is logged with time, IP and user agent, and shown to the account "
       "holder.",
       "Varje lyckad inloggning loggas med tid, IP-adress och webbläsare och visas för "
       "kontoinnehavaren."),
    _r("P12.a",
       "Carts persist for guests and customers, with a retention rule.",
       "Kundvagnar sparas för gäster och kunder, med en gallringsregel."),
    _r("P12.b",
       "An address book per account, with a retention rule.",
       "En adressbok per konto, med en gallringsregel."),
    _r("P13.a",
       "Failed logins are logged per account and per IP, and shown to the account holder.",
       "Misslyckade inloggningar loggas per konto och per IP-adress och visas för "
       "kontoinnehavaren."),
    _r("P13.b",
       "Abuse is throttled and blocked.",
       "Missbruk bromsas och blockeras."),
    _r("P14.a",
       "Vendor-sourced records (licence registrations, cloud accounts, vendor support tickets) are"
       " stored with their source.",
       "Uppgifter från leverantörer (licensregistreringar, molnkonton, leverantörers "
       "supportärenden) sparas med sin källa."),
    _r("P14.b",
       "They appear in the access export with the source named (Art. 14).",
       "De finns i registerutdraget med källan angiven (art. 14)."),
    _r("P15.a",
       "Every cookie and storage key the shop or an embedded provider sets is declared.",
       "Varje kaka och lagringsnyckel som butiken eller en inbäddad leverantör sätter är "
       "deklarerad."),
    _r("P15.b",
       "The cookie page is generated from those declarations.",
       "Sidan om kakor skapas från dessa deklarationer."),
    _r("P15.c",
       "No optional cookie or storage is set before consent (checked in a real browser).",
       "Ingen valfri kaka eller lagring sätts före samtycke (kontrollerat i en riktig "
       "webbläsare)."),
    _r("P15.d",
       "A consent banner with equally prominent accept and reject; consent is withdrawn as easily "
       "as given.",
       "En samtyckesruta där godkänn och avböj är lika framträdande; samtycket återkallas lika "
       "lätt som det ges."),
    _r("P16.a",
       "Every third-party record carries its source.",
       "Varje uppgift från tredje part bär sin källa."),
    _r("P16.b",
       "Marketing to a supplier-sourced contact requires the consent proof the supplier passed on;"
       " rows without proof are refused.",
       "Marknadsföring till en kontakt från en leverantör kräver det bevis om samtycke som "
       "leverantören lämnade; rader utan bevis avvisas."),
    _r("P17.a",
       "Order, delivery and invoice information is sent.",
       "Information om beställning, leverans och faktura skickas."),
    _r("P17.b",
       "Licences and cloud services are administered (delivered, shown on the account).",
       "Licenser och molntjänster administreras (levereras och visas på kontot)."),
    _r("P17.c",
       "Customers are told about changes to services and products they have.",
       "Kunder informeras om ändringar i tjänster och produkter de har."),
    _r("P17.d",
       "User surveys are sent and answered, and their answers kept apart from identity.",
       "Användarundersökningar skickas och besvaras, och svaren hålls åtskilda från identiteten."),
    _r("P17.e",
       "Each of these flows is tagged in the data map with the contract purpose.",
       "Vart och ett av dessa flöden är märkt i datakartan med ändamålet avtal."),
    _r("P18.a",
       "Aggregate statistics without personal data, shown to staff.",
       "Sammanställd statistik utan personuppgifter, som visas för personalen."),
    _r("P18.b",
       "IP blocking and a security log.",
       "Blockering av IP-adresser och en säkerhetslogg."),
    _r("P18.c",
       "A legal hold pauses deletion for a claim.",
       "Ett rättsligt kvarhållande pausar radering för ett anspråk."),
    _r("P19.a",
       "E-mail offers to existing customers only under the existing-customer rule (own similar "
       "products, told and given an opt-out at collection and in every message; MFL 19 §).",
       "E-posterbjudanden till befintliga kunder bara enligt regeln om befintliga kunder (egna "
       "liknande produkter, information och möjlighet att tacka nej vid insamlingen och i varje "
       "meddelande; MFL 19 §)."),
    _r("P20.a",
       "A consent ledger per channel (e-mail, SMS, letter) with the text shown and proof.",
       "En samtyckesliggare per kanal (e-post, sms, brev) med den text som visades och bevis."),
    _r("P20.b",
       "Every marketing e-mail carries a working one-click unsubscribe link and List-Unsubscribe "
       "headers (RFC 8058).",
       "Varje marknadsföringsmejl har en fungerande avregistreringslänk med ett klick och List-"
       "Unsubscribe-rubriker (RFC 8058)."),
    _r("P20.c",
       "Staff record a withdrawal received by phone or letter.",
       "Personalen registrerar ett återkallande som kommit per telefon eller brev."),
    _r("P20.d",
       "SMS and letters go out only to people with that channel's consent.",
       "Sms och brev skickas bara till personer med samtycke för den kanalen."),
    _r("P21.a",
       "Staff record a disclosure to an authority with its legal ground, from the privacy desk.",
       "Personalen registrerar ett utlämnande till en myndighet med dess rättsliga grund, från "
       "dataskyddsdisken."),
    _r("P22.a",
       "Personalisation (e.g. recommendations from purchase history) only for people with that "
       "consent.",
       "Anpassning (till exempel rekommendationer utifrån köphistorik) bara för personer med det "
       "samtycket."),
    _r("P23.a",
       "Every declared category has a retention rule, enforced by a scheduled sweep.",
       "Varje deklarerad kategori har en gallringsregel som en schemalagd gallring upprätthåller."),
    _r("P23.b",
       "Accounting records are kept 7 years after the end of the calendar year in which the "
       "financial year ended (Bokföringslagen 7 kap. 2 §), and nothing beyond what the record "
       "needs.",
       "Räkenskapsinformation sparas sju år efter utgången av det kalenderår då räkenskapsåret "
       "avslutades (bokföringslagen 7 kap. 2 §), och inget utöver vad den behöver."),
    _r("P24.a",
       "Each declared use names its legal basis, and the policy page's purposes are generated from"
       " that.",
       "Varje deklarerad användning anger sin rättsliga grund, och integritetspolicyns ändamål "
       "skapas utifrån det."),
    _r("P25.a",
       "Every disclosure (recipient, categories, purpose, when) is in the disclosure ledger: "
       "checkout provider, carriers, suppliers, support partners, and every later call that sends "
       "personal data.",
       "Varje utlämnande (mottagare, kategorier, ändamål, när) finns i utlämnandeliggaren: "
       "betalleverantör, transportörer, leverantörer, supportpartner och varje senare anrop som "
       "skickar personuppgifter."),
    _r("P26.a",
       "Staff record disclosures for legal and security reasons with reason and legal ground.",
       "Personalen registrerar utlämnanden av rättsliga skäl och säkerhetsskäl med anledning och "
       "rättslig grund."),
    _r("P26.b",
       "They appear in the person's access report unless a legal secrecy flag applies.",
       "De visas i personens registerutdrag om inte lagstadgad sekretess gäller."),
    _r("P27.a",
       "A processor register (name, service, categories, location, agreement date) on the policy "
       "page.",
       "Ett register över personuppgiftsbiträden (namn, tjänst, kategorier, plats, avtalsdatum) på"
       " integritetspolicyn."),
    _r("P27.b",
       "Recipients that are controllers in their own right (checkout provider, carriers) are named"
       " as such, with a link to their own policy.",
       "Mottagare som själva är personuppgiftsansvariga (betalleverantör, transportörer) anges som"
       " sådana, med en länk till deras egen policy."),
    _r("P28.a",
       "The checkout provider's integration is real (Checkout v3 API).",
       "Integrationen med betalleverantören är verklig (Checkout v3-API:t)."),
    _r("P28.b",
       "The transfer to the checkout provider happens at checkout load, not before, and is logged.",
       "Överföringen till betalleverantören sker när kassan laddas, inte före, och loggas."),
    _r("P29.a",
       "Self-service export (JSON for machines, HTML for people, in one archive) with every stored"
       " item, purposes, recipients, retention and source.",
       "Självbetjänat utdrag (JSON för maskiner, HTML för människor, i ett arkiv) med varje sparad"
       " uppgift, ändamål, mottagare, lagringstid och källa."),
    _r("P29.b",
       "The human report reads in the person's language, with no raw codes or field names.",
       "Rapporten för människor är på personens språk, utan råa koder eller fältnamn."),
    _r("P29.c",
       "Staff produce the export for a verified requester.",
       "Personalen tar fram utdraget åt en verifierad sökande."),
    _r("P30.a",
       "Self-service edit of account data.",
       "Självbetjänad ändring av kontouppgifter."),
    _r("P30.b",
       "Staff rectification on request, logged, and passed on to recipients (Art. 19).",
       "Rättelse av personalen på begäran, loggad och vidarebefordrad till mottagare (art. 19)."),
    _r("P31.a",
       "Self-service and staff erasure, previewed, executed atomically, confirmed by e-mail.",
       "Radering via självbetjäning och av personalen, med förhandsvisning, genomförd i sin helhet"
       " eller inte alls, bekräftad via e-post."),
    _r("P31.b",
       "An erasure that must wait (open order, hold) tells the person so, shows on their page, and"
       " completes by itself when nothing stands in the way.",
       "En radering som måste vänta (öppen beställning, kvarhållande) säger det till personen, "
       "syns på personens sida och genomförs av sig själv när inget längre står i vägen."),
    _r("P31.c",
       "Erasure is passed on to recipients.",
       "Raderingen vidarebefordras till mottagare."),
    _r("P32.a",
       "Erasure keeps only the accounting records the law requires, locked from other use.",
       "Raderingen sparar bara den räkenskapsinformation lagen kräver, spärrad för annan "
       "användning."),
    _r("P32.b",
       "Kept accounting records are deleted automatically when their period ends.",
       "Sparad räkenskapsinformation raderas automatiskt när tiden gått ut."),
    _r("P33.a",
       "Privacy desk: open requests with their one-month deadline, retention report, promise "
       "report.",
       "Dataskyddsdisken: öppna begäranden med sin frist på en månad, gallringsrapport, rapport "
       "över löftena."),
    _r("P33.b",
       "Audit log of privacy actions and of staff access to personal data.",
       "Granskningslogg över dataskyddsåtgärder och personalens åtkomst till personuppgifter."),
    _r("P34.a",
       "Production forces HTTPS (HSTS, secure cookies, redirect); check --deploy clean.",
       "I produktion krävs HTTPS (HSTS, säkra kakor, omdirigering); check --deploy utan "
       "anmärkning."),
    _r("P34.b",
       "Outgoing connections that carry personal data (mail, checkout provider, carriers) refuse "
       "plain text.",
       "Utgående anslutningar som bär personuppgifter (e-post, betalleverantör, transportörer) "
       "vägrar okrypterad trafik."),
    _r("P35.a",
       "Argon2id for passwords.",
       "Argon2id för lösenord."),
    _r("P35.b",
       "Keyed hashes for identifiers kept beyond their raw retention (IP, e-mail lookups).",
       "Hashar med hemlig nyckel för identifierare som sparas längre än sin tid i klartext (IP-"
       "adresser, uppslag på e-post)."),
]

PROMISES: dict[str, Promise] = {
    pid: Promise(pid, en, sv, tuple(r for r in _REQUIREMENTS if r.promise == pid))
    for pid, en, sv in _PROMISES
}
REQUIREMENTS: dict[str, Requirement] = {r.id: r for r in _REQUIREMENTS}


@dataclass
class RequirementStatus:
    id: str
    text: str
    status: str  # proven | unproven | failing
    tests: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "status": self.status, "tests": self.tests}


@dataclass
class PromiseStatus:
    id: str
    summary: str
    status: str  # proven | partial | unproven | failing
    requirements: list[RequirementStatus] = field(default_factory=list)

    @property
    def tests(self) -> list[str]:
        return sorted({t for r in self.requirements for t in r.tests})

    def as_dict(self) -> dict:
        return {"id": self.id, "summary": self.summary, "status": self.status,
                "requirements": [r.as_dict() for r in self.requirements]}


def _requirement_status(outcomes: set[str]) -> str:
    if "failed" in outcomes:
        return "failing"
    return "proven" if "passed" in outcomes else "unproven"


def _promise_status(statuses: list[str]) -> str:
    if "failing" in statuses:
        return "failing"
    if statuses and all(s == "proven" for s in statuses):
        return "proven"
    return "partial" if "proven" in statuses else "unproven"


def summarise(results: list[dict], language: str = "en") -> list[PromiseStatus]:
    """Fold per-test results (from the pytest plugin: ``{"nodeid", "promises",
    "outcome"}``) into one status per requirement and per promise. IDs that name no
    requirement (a bare promise ID, an unknown one) prove nothing."""
    tests: dict[str, list[dict]] = {rid: [] for rid in REQUIREMENTS}
    for result in results:
        for rid in result["promises"]:
            if rid in tests:
                tests[rid].append(result)
    report = []
    for promise in PROMISES.values():
        rows = [RequirementStatus(r.id, r.text(language),
                                  _requirement_status({t["outcome"] for t in tests[r.id]}),
                                  sorted(t["nodeid"] for t in tests[r.id]))
                for r in promise.requirements]
        report.append(PromiseStatus(promise.id, promise.text(language),
                                    _promise_status([r.status for r in rows]), rows))
    return report


def counts(report: list[PromiseStatus]) -> dict[str, dict[str, int]]:
    """How many promises and requirements stand in each status."""
    requirements = [r for p in report for r in p.requirements]
    return {
        "promises": {s: sum(1 for p in report if p.status == s)
                     for s in ("proven", "partial", "unproven", "failing")},
        "requirements": {s: sum(1 for r in requirements if r.status == s)
                         for s in ("proven", "unproven", "failing")},
    }


def default_tests_dir() -> Path:
    """The project's tests/ folder: beside src/ in a checkout, else ./tests."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "tests").is_dir() and (parent / "pyproject.toml").is_file():
            return parent / "tests"
    return Path.cwd() / "tests"


def run_marked_tests(tests_dir: Path, extra_args: list[str] | None = None) -> list[dict]:
    """Run pytest on the promise-marked tests in a child process; return per-test results."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "promises.json"
        cmd = [
            sys.executable, "-m", "pytest", str(tests_dir), "-m", "promise", "-q",
            "-p", "no:cacheprovider", f"--promise-report={out}", *(extra_args or []),
        ]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tillit.settings.test"}
        proc = subprocess.run(cmd, cwd=tests_dir.parent, env=env, capture_output=True,
                              text=True, check=False)
        # 0: all passed, 1: some failed (reported per promise), 5: nothing marked. Anything
        # else (a collection or import error, a usage error) would hide promises: refuse.
        if proc.returncode not in (0, 1, 5) or not out.exists():
            raise RuntimeError(
                f"pytest stopped with exit code {proc.returncode}:\n" +
                proc.stdout[-3000:] + proc.stderr[-3000:]
            )
        return json.loads(out.read_text(encoding="utf-8"))
