"""The demo catalogue: Teknikboden's shelves with invented brands and models.

:func:`load` is idempotent: categories are matched by slug and products by SKU, so running
it twice leaves the same rows with the same values. Descriptions are composed here from a
per-category opening, the product's own features and a closing line, so every product
reads differently without any copied text. Prices are integer öre including VAT.

VAT rates (Mervärdesskattelagen): almost everything is 25 %. Printed books are 6 % (the
reduced rate for books), hence the three handbooks. Nothing the shop sells falls under
12 % (food, hotel stays), so the demo has no 12 % product; the tests cover 12 % with a
product of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from .models import Category, Product, ProductKind, VatRate

# Fixed dates, so that a second run writes exactly the same values ("newest" is stable).
_FIRST_ADDED = dt.datetime(2025, 2, 3, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Cat:
    slug: str
    name: str
    description: str
    children: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Item:
    category: str  # slug, top category or subcategory
    sku: str
    name: str
    what: str  # a short noun phrase: "analogt mixerbord med 12 kanaler"
    price_ore: int
    features: tuple[str, ...]
    stock: int = 10
    vat_rate: int = VatRate.STANDARD
    featured: bool = False
    active: bool = True


CATEGORIES = (
    _Cat("mixerbord", "Mixerbord", "Analoga och digitala mixerbord för scen, studio och kyrka.",
         (("analoga-mixerbord", "Analoga mixerbord"),
          ("digitala-mixerbord", "Digitala mixerbord"))),
    _Cat("hogtalare", "Högtalare", "Aktiva PA-högtalare, studiomonitorer och subbasar.",
         (("aktiva-hogtalare", "Aktiva högtalare"), ("studiomonitorer", "Studiomonitorer"),
          ("subbasar", "Subbasar"))),
    _Cat("mikrofoner", "Mikrofoner", "Mikrofoner för sång, instrument, tal och podd.",
         (("dynamiska-mikrofoner", "Dynamiska mikrofoner"),
          ("kondensatormikrofoner", "Kondensatormikrofoner"),
          ("tradlosa-system", "Trådlösa system"))),
    _Cat("horlurar", "Hörlurar", "Studiolurar, DJ-lurar och in-ear-monitorer."),
    _Cat("kablar", "Kablar", "Signalkablar och multikablar, monterade och testade.",
         (("xlr-kablar", "XLR-kablar"), ("instrumentkablar", "Instrumentkablar"),
          ("multikablar", "Multikablar"))),
    _Cat("stativ", "Stativ", "Stativ för mikrofoner, högtalare och keyboards.",
         (("mikrofonstativ", "Mikrofonstativ"), ("hogtalarstativ", "Högtalarstativ"))),
    _Cat("ljudkort", "Ljudkort", "USB-ljudkort för inspelning hemma, i studion och på resan."),
    _Cat("dj-utrustning", "DJ-utrustning", "Kontroller, DJ-mixrar och skivspelare."),
    _Cat("mjukvarulicenser", "Mjukvarulicenser",
         "Programvara för inspelning, mixning och mastring, levererad som licens."),
    _Cat("molntjanster", "Molntjänster", "Lagring, samarbete och strömning som tjänst."),
    _Cat("bocker", "Böcker", "Tryckta handböcker om ljudteknik."),
)

_NORRVAG = {6: 179000, 12: 399000, 16: 549000, 24: 999000}

ITEMS: tuple[_Item, ...] = (
    # Mixerbord -------------------------------------------------------------------------
    *(
        _Item("analoga-mixerbord", f"MIX-N{ch:02d}", f"Norrvåg MX-{ch} analogt mixerbord",
              f"analogt mixerbord med {ch} kanaler", price,
              (f"{ch} kanaler", f"{max(2, ch // 3)} mikrofonförstärkare med låg brusnivå",
               "trebands-EQ på varje kanal", "USB-utgång för inspelning"),
              stock=0 if ch == 24 else 4 + ch // 2, featured=ch == 12)
        for ch, price in _NORRVAG.items()
    ),
    _Item("digitala-mixerbord", "MIX-K08R", "Klangvik D8 Rack digitalmixer",
          "digitalt mixerbord i rackformat", 749000,
          ("8 mikrofoningångar", "styrning från surfplatta", "inbyggd WLAN-router"), stock=3),
    _Item("digitala-mixerbord", "MIX-K16", "Klangvik D16 digitalmixer",
          "digitalt mixerbord med 16 ingångar", 1299000,
          ("pekskärm på 7 tum", "åtta effektenheter", "inspelning till USB-minne"), stock=5),
    _Item("digitala-mixerbord", "MIX-K24", "Klangvik D24 digitalmixer",
          "digitalt mixerbord med 24 ingångar", 1899000,
          ("motoriserade reglar", "16 aux-bussar", "scenboxar över nätverk"), stock=2,
          featured=True),
    _Item("digitala-mixerbord", "MIX-K32", "Klangvik D32 Scen digitalmixer",
          "digitalt mixerbord för större scener", 3299000,
          ("32 ingångar", "två pekskärmar", "redundant nätaggregat"), stock=1),
    # Högtalare -------------------------------------------------------------------------
    _Item("aktiva-hogtalare", "HGT-FA10", "Fjällton A10 aktiv högtalare",
          "aktiv tvåvägshögtalare med 10-tums bas", 349000,
          ("800 W klass D-förstärkare", "inbyggd DSP", "stativfäste"), stock=8),
    _Item("aktiva-hogtalare", "HGT-FA12", "Fjällton A12 aktiv högtalare",
          "aktiv tvåvägshögtalare med 12-tums bas", 429000,
          ("1 000 W klass D-förstärkare", "Bluetooth-ingång", "kan användas som golvmonitor"),
          stock=12, featured=True),
    _Item("aktiva-hogtalare", "HGT-FA15", "Fjällton A15 aktiv högtalare",
          "aktiv tvåvägshögtalare med 15-tums bas", 529000,
          ("1 200 W klass D-förstärkare", "förinställningar för tal och musik",
           "handtag på båda sidor"), stock=6),
    _Item("studiomonitorer", "HGT-EM5", "Ekoverk M5 studiomonitor",
          "aktiv studiomonitor med 5-tums element", 199000,
          ("rumsanpassning med fyra lägen", "balanserade ingångar", "pris per styck"), stock=14),
    _Item("studiomonitorer", "HGT-EM7", "Ekoverk M7 studiomonitor",
          "aktiv studiomonitor med 7-tums element", 279000,
          ("bi-amp med separata förstärkare", "frekvensgång ner till 42 Hz", "pris per styck"),
          stock=9),
    _Item("studiomonitorer", "HGT-EM8", "Ekoverk M8 studiomonitor",
          "aktiv studiomonitor med 8-tums element", 359000,
          ("avtagbart frontgaller", "basport fram", "pris per styck"), stock=0),
    _Item("subbasar", "HGT-FS15", "Fjällton S15 aktiv subbas",
          "aktiv subbas med 15-tums element", 699000,
          ("inbyggt delningsfilter", "hjul på baksidan", "M20-gänga för distansstång"), stock=4),
    _Item("subbasar", "HGT-FS18", "Fjällton S18 aktiv subbas",
          "aktiv subbas med 18-tums element", 949000,
          ("1 600 W förstärkare", "kardioidläge med två lådor", "skyddande klädsel"), stock=2),
    # Mikrofoner ------------------------------------------------------------------------
    _Item("dynamiska-mikrofoner", "MIK-BD58", "Brusa D58 sångmikrofon",
          "dynamisk sångmikrofon med njurkarakteristik", 89900,
          ("tålig stålkorg", "låg hanteringsljudnivå", "mikrofonhållare och fodral"), stock=40,
          featured=True),
    _Item("dynamiska-mikrofoner", "MIK-BD57", "Brusa D57 instrumentmikrofon",
          "dynamisk instrumentmikrofon", 94900,
          ("tål höga ljudtryck", "kompakt huvud för virvel och gitarrförstärkare",
           "mikrofonhållare"), stock=25),
    _Item("dynamiska-mikrofoner", "MIK-BD7", "Brusa D7 trummikrofonpaket",
          "paket med sju trummikrofoner", 329000,
          ("en bastrumsmikrofon", "fyra tom- och virvelmikrofoner", "två överheadmikrofoner",
           "klämfästen och väska"), stock=5),
    _Item("kondensatormikrofoner", "MIK-RC1", "Röstverk C1 stormembranmikrofon",
          "kondensatormikrofon med stort membran", 149000,
          ("tum-stort membran", "omkopplingsbart lågpassfilter", "elastisk upphängning"),
          stock=11),
    _Item("kondensatormikrofoner", "MIK-RC3", "Röstverk C3 multikarakteristik",
          "kondensatormikrofon med tre upptagningsmönster", 319000,
          ("njure, åtta och rundtagande", "dämpning −10 dB", "träetui"), stock=6),
    _Item("kondensatormikrofoner", "MIK-RP2", "Röstverk P2 småmembranpar",
          "matchat par småmembranmikrofoner", 239000,
          ("matchade inom 1 dB", "stereoskena", "vindskydd"), stock=7),
    _Item("kondensatormikrofoner", "MIK-RPOD", "Röstverk Podd USB-mikrofon",
          "USB-mikrofon för podd och videomöten", 119000,
          ("USB-C", "hörlursutgång med nollatens", "bordsstativ"), stock=18),
    _Item("tradlosa-system", "MIK-BW1", "Brusa W1 trådlöst handmikrofonsystem",
          "trådlöst system med handmikrofon", 299000,
          ("räckvidd upp till 100 meter", "automatisk frekvenssökning",
           "laddbart batteri"), stock=8),
    _Item("tradlosa-system", "MIK-BW2", "Brusa W2 trådlöst headsetsystem",
          "trådlöst system med headset", 349000,
          ("hudfärgat headset", "bältessändare", "laddstation"), stock=0, active=False),
    # Hörlurar --------------------------------------------------------------------------
    _Item("horlurar", "HLR-V100", "Vinterljud H100 Bas hörlurar",
          "slutna hörlurar för övning", 44900,
          ("lätta och hopfällbara", "3,5 mm-kontakt", "adapter till 6,3 mm"), stock=0),
    _Item("horlurar", "HLR-V200", "Vinterljud H200 slutna studiohörlurar",
          "slutna studiohörlurar", 79900,
          ("god dämpning av omgivningsljud", "utbytbara öronkuddar", "spiralsladd"), stock=30),
    _Item("horlurar", "HLR-V400", "Vinterljud H400 halvöppna hörlurar",
          "halvöppna hörlurar för mixning", 129000,
          ("luftig ljudbild", "velourkuddar", "avtagbar kabel"), stock=16),
    _Item("horlurar", "HLR-V600", "Vinterljud H600 öppna referenshörlurar",
          "öppna referenshörlurar", 249000,
          ("neutral frekvensgång", "lätt aluminiumbygel", "två kablar i förpackningen"),
          stock=9, featured=True),
    _Item("horlurar", "HLR-VIE3", "Vinterljud IE3 in-ear-monitorer",
          "in-ear-monitorer för scenbruk", 169000,
          ("tre element per sida", "sex par öronproppar", "skyddsetui"), stock=10),
    _Item("horlurar", "HLR-VDJ1", "Vinterljud DJ-1 DJ-hörlurar",
          "DJ-hörlurar med vridbara kåpor", 99000,
          ("vridbara kåpor för enörslyssning", "tål högt ljudtryck", "spiralsladd"), stock=13),
    # Kablar ----------------------------------------------------------------------------
    *(
        _Item("xlr-kablar", f"KAB-XLR{int(m * 10):03d}",
              f"Kabelvävaren XLR-kabel {str(m).replace('.', ',')} m",
              f"balanserad mikrofonkabel på {str(m).replace('.', ',')} meter", price,
              ("XLR hona till XLR hane", "dubbel skärm", "förgyllda kontaktstift"),
              stock=stock)
        for m, price, stock in ((1.5, 14900, 60), (3, 19900, 80), (6, 26900, 45),
                                (10, 34900, 30))
    ),
    _Item("instrumentkablar", "KAB-INS030", "Kabelvävaren instrumentkabel 3 m",
          "instrumentkabel på 3 meter", 17900,
          ("rak till vinklad plugg", "tystgående kabelmantel", "kardborreband"), stock=50),
    _Item("instrumentkablar", "KAB-INS060", "Kabelvävaren instrumentkabel 6 m",
          "instrumentkabel på 6 meter", 22900,
          ("raka pluggar", "tystgående kabelmantel", "kardborreband"), stock=35),
    _Item("multikablar", "KAB-MK0804", "Kabelvävaren multikabel 8/4, 30 m",
          "multikabel med stagebox, 8 in och 4 ut", 399000,
          ("30 meter kabel på trumma", "stagebox i stål", "märkta kanaler"), stock=3),
    _Item("multikablar", "KAB-MK1604", "Kabelvävaren multikabel 16/4, 30 m",
          "multikabel med stagebox, 16 in och 4 ut", 649000,
          ("30 meter kabel på trumma", "stagebox med handtag", "märkta kanaler"), stock=0),
    # Stativ ----------------------------------------------------------------------------
    _Item("mikrofonstativ", "STV-SMS1", "Stadig MS-1 mikrofonstativ med bom",
          "mikrofonstativ med bom", 29900,
          ("trebensfot", "justerbar bom", "gänga 3/8 och 5/8 tum"), stock=40),
    _Item("mikrofonstativ", "STV-SMS2", "Stadig MS-2 bordsstativ",
          "kort mikrofonstativ för bord och bastrumma", 19900,
          ("kort bom", "gummifötter", "väger 1,2 kg"), stock=25),
    _Item("mikrofonstativ", "STV-SMS3", "Stadig MS-3 rundbasstativ",
          "mikrofonstativ med tung rundbas", 54900,
          ("gjutjärnsbas", "snabbkoppling för höjden", "tyst justering"), stock=12),
    _Item("hogtalarstativ", "STV-SHS35", "Stadig HS-35 högtalarstativ, par",
          "par högtalarstativ för 35 mm-fäste", 99900,
          ("bär 50 kg per stativ", "säkerhetssprint", "transportväska"), stock=15),
    _Item("hogtalarstativ", "STV-SHSUB", "Stadig HS-Sub distansstång",
          "distansstång mellan subbas och topp", 34900,
          ("M20-gänga", "justerbar höjd", "vevhandtag"), stock=0),
    _Item("stativ", "STV-SKS1", "Stadig KS-1 keyboardstativ",
          "X-stativ för keyboard", 44900,
          ("fem höjdlägen", "dubbla ben", "hopfällbart"), stock=9),
    # Ljudkort --------------------------------------------------------------------------
    _Item("ljudkort", "LJK-TM12", "Tonhuset Mobil 1×2 ljudkort",
          "litet USB-ljudkort med en ingång", 89000,
          ("en kombiingång", "strömförsörjt via USB", "fungerar med mobil och dator"), stock=20),
    _Item("ljudkort", "LJK-TD22", "Tonhuset Duo 2×2 ljudkort",
          "USB-ljudkort med två ingångar", 149000,
          ("två mikrofonförstärkare", "24 bit/192 kHz", "direktmonitorering"), stock=24,
          featured=True),
    _Item("ljudkort", "LJK-TQ44", "Tonhuset Quad 4×4 ljudkort",
          "USB-ljudkort med fyra ingångar", 269000,
          ("fyra mikrofonförstärkare", "MIDI in och ut", "två hörlursutgångar"), stock=8),
    _Item("ljudkort", "LJK-TO88", "Tonhuset Octo 8×8 ljudkort",
          "rackmonterat ljudkort med åtta ingångar", 599000,
          ("åtta mikrofonförstärkare", "optisk ADAT-ingång", "ordklocka"), stock=3),
    _Item("ljudkort", "LJK-TS18", "Tonhuset Studio 18×20 ljudkort",
          "studioljudkort med 18 ingångar", 1299000,
          ("åtta mikrofonförstärkare med inbyggd DSP", "två ADAT-portar",
           "fjärrstyrd förstärkning"), stock=0),
    # DJ-utrustning ---------------------------------------------------------------------
    _Item("dj-utrustning", "DJ-PK2", "Pulsvåg K2 DJ-kontroller",
          "DJ-kontroller med två kanaler", 299000,
          ("stora jogghjul", "inbyggt ljudkort", "16 pads för loopar och cue"), stock=11),
    _Item("dj-utrustning", "DJ-PK4", "Pulsvåg K4 DJ-kontroller",
          "DJ-kontroller med fyra kanaler", 799000,
          ("skärmar i jogghjulen", "två mikrofoningångar", "fristående läge med USB"),
          stock=4, featured=True),
    _Item("dj-utrustning", "DJ-PM2", "Pulsvåg M2 DJ-mixer",
          "DJ-mixer med två kanaler", 349000,
          ("utbytbar crossfader", "effektsändning", "ljudkort för digitalt vinyl"), stock=6),
    _Item("dj-utrustning", "DJ-PS1", "Pulsvåg S1 skivspelare",
          "direktdriven skivspelare", 449000,
          ("högt vridmoment", "pitch ±8 och ±16 %", "pickup monterad"), stock=7),
    _Item("dj-utrustning", "DJ-PX9", "Pulsvåg X9 mediaspelare",
          "mediaspelare för klubbar", 899000,
          ("pekskärm", "spelar från USB och SD", "nätverkslänk mellan spelare"), stock=0,
          active=False),
    # Mjukvarulicenser (kind: licence) ---------------------------------------------------
    _Item("mjukvarulicenser", "LIC-KS12S", "Kodsmedjan Spår 12 Standard",
          "inspelningsprogram för Windows och macOS", 199000,
          ("obegränsat antal spår", "över 40 effekter", "två aktiveringar"), stock=999),
    _Item("mjukvarulicenser", "LIC-KS12P", "Kodsmedjan Spår 12 Pro",
          "inspelningsprogram för professionella studior", 449000,
          ("surroundmixning", "tidssträckning och tonhöjdskorrigering", "tre aktiveringar"),
          stock=999, featured=True),
    _Item("mjukvarulicenser", "LIC-KS12U", "Kodsmedjan Spår 12 uppgradering",
          "uppgradering från Spår 10 eller 11", 129000,
          ("alla nyheter i version 12", "behåller dina inställningar", "två aktiveringar"),
          stock=999),
    _Item("mjukvarulicenser", "LIC-KS11S", "Kodsmedjan Spår 11 Standard",
          "föregående version av inspelningsprogrammet", 149000,
          ("obegränsat antal spår", "ersatt av version 12", "två aktiveringar"), stock=0,
          active=False),
    _Item("mjukvarulicenser", "LIC-KMAS", "Kodsmedjan Mastra",
          "mastringsverktyg som insticksprogram", 249000,
          ("flerbands-kompressor", "loudness-mätare enligt EBU R128", "referensjämförelse"),
          stock=999),
    _Item("mjukvarulicenser", "LIC-ERUM", "Ekoverk Rumskorrigering",
          "program som mäter och korrigerar lyssningsrummet", 179000,
          ("mätmikrofonprofiler", "korrigering för hörlurar", "en aktivering"), stock=999),
    _Item("mjukvarulicenser", "LIC-KVED", "Klangvik Mixredigerare Pro",
          "fjärrstyrning och offline-redigering för Klangvik-mixrar", 69000,
          ("scenfiler på datorn", "styrning över nätverk", "fem aktiveringar"), stock=999),
    _Item("mjukvarulicenser", "LIC-RVOX", "Röstverk Rösttvätt",
          "insticksprogram som rensar tal från brus", 89000,
          ("brusreducering i realtid", "de-esser", "förinställningar för podd"), stock=999),
    # Molntjänster (kind: cloud) ---------------------------------------------------------
    _Item("molntjanster", "MOL-L100", "Molnbris Projektlagring 100 GB, 1 år",
          "molnlagring för inspelningsprojekt", 69000,
          ("100 GB lagring", "versionshistorik i 30 dagar", "synk mellan två datorer"),
          stock=999),
    _Item("molntjanster", "MOL-L1T", "Molnbris Projektlagring 1 TB, 1 år",
          "molnlagring för större studior", 219000,
          ("1 TB lagring", "versionshistorik i 90 dagar", "synk mellan fem datorer"), stock=999),
    _Item("molntjanster", "MOL-TEAM5", "Molnbris Samarbete Team, 1 år",
          "samarbetstjänst för inspelningsprojekt", 499000,
          ("fem användare", "kommentarer på tidslinjen", "delning med kunder"), stock=999),
    _Item("molntjanster", "MOL-LIVE", "Molnbris Livesändning Bas, 1 år",
          "tjänst för livesändning av konserter och gudstjänster", 149000,
          ("sändning till tre plattformar samtidigt", "720p", "inspelning i molnet"), stock=999),
    _Item("molntjanster", "MOL-FJRR", "Molnbris Fjärrmix, 1 år",
          "fjärråtkomst till digitalmixer via internet", 99000,
          ("krypterad anslutning", "behörighet per användare", "logg över ändringar"),
          stock=999),
    # Böcker: printed books, 6 % VAT ---------------------------------------------------
    _Item("bocker", "BOK-LIVE", "Handbok: Live-ljud i praktiken",
          "tryckt handbok om ljud på scen", 34900,
          ("312 sidor", "checklistor för rigg och soundcheck", "illustrerad"), stock=22,
          vat_rate=VatRate.LOW),
    _Item("bocker", "BOK-MIKR", "Handbok: Mikrofonteknik för studion",
          "tryckt handbok om mikrofonplacering", 29900,
          ("220 sidor", "placeringar för 30 instrument", "övningar"), stock=15,
          vat_rate=VatRate.LOW),
    _Item("bocker", "BOK-KABL", "Kabelboken: lödning och kontakter",
          "tryckt handbok om att bygga egna kablar", 19900,
          ("128 sidor", "kopplingsscheman", "felsökning steg för steg"), stock=0,
          vat_rate=VatRate.LOW),
)

# Per top category: how a description opens, what the product is good for, how it ends.
_TEXTS = {
    "mixerbord": ("{name} är ett {what} som gör det enkelt att {goal}.",
                  ("få en tydlig mix på repetitionen och den mindre spelningen",
                   "mixa konferenser, gudstjänster och föreläsningar",
                   "spela in och sända direkt från mixern"),
                  ("Chassit är byggt för att tåla transporter.",
                   "Alla anslutningar sitter lättåtkomliga på ovansidan.")),
    "hogtalare": ("{name} är en {what} för dig som vill {goal}.",
                  ("fylla en festlokal med klart och jämnt ljud",
                   "höra exakt vad som händer i mixen",
                   "få mer tryck i basen utan att skruva upp allt"),
                  ("Lådan är lackad med tålig struktursfärg.",
                   "Levereras med nätkabel och bruksanvisning på svenska.")),
    "mikrofoner": ("{name} är en {what} som hjälper dig att {goal}.",
                   ("få fram rösten tydligt även på en bullrig scen",
                    "fånga instrumentets karaktär i studion",
                    "spela in tal och podd med jämn kvalitet"),
                   ("Tåliga komponenter gör att den håller i många år.",
                    "Passar lika bra för nybörjaren som för proffset.")),
    "horlurar": ("{name} är {what} gjorda för att {goal}.",
                 ("lyssna länge utan att bli trött",
                  "höra detaljer i mixen",
                  "stänga ute ljudet runt omkring dig"),
                 ("Alla slitdelar finns som reservdelar.",
                  "Bygeln går att justera steglöst.")),
    "kablar": ("{name} är en {what} som {goal}.",
               ("klarar daglig användning på scen",
                "ger en tyst och säker signal",
                "håller ordning på riggen"),
               ("Varje kabel testas innan den lämnar lagret.",
                "Kontakterna är lödda för hand.")),
    "stativ": ("{name} är ett {what} som {goal}.",
               ("står stadigt även när golvet gungar",
                "går snabbt att ställa upp och packa ihop",
                "håller utrustningen på rätt höjd"),
               ("Alla skruvar är av rostfritt stål.",
                "Väger lite men bär mycket.")),
    "ljudkort": ("{name} är ett {what} som gör det lätt att {goal}.",
                 ("spela in sång och instrument hemma",
                  "koppla ihop studion med datorn",
                  "spela in med låg fördröjning"),
                 ("Drivrutiner finns för Windows, och på macOS fungerar det utan drivrutin.",
                  "Metallchassit skyddar elektroniken.")),
    "dj-utrustning": ("{name} är en {what} för dig som vill {goal}.",
                      ("spela hela kvällen utan avbrott",
                       "ta steget från hemmet till klubben",
                       "mixa både digitalt och från vinyl"),
                      ("Reglarna är byggda för tusentals timmars användning.",
                       "Kopplas till datorn med en enda USB-kabel.")),
    "mjukvarulicenser": ("{name} är ett {what} som hjälper dig att {goal}.",
                         ("spela in och mixa hela projekt på datorn",
                          "få en färdig mix att låta bra överallt",
                          "arbeta snabbare i studion"),
                         ("Licensen levereras digitalt med e-post.",)),
    "molntjanster": ("{name} är en {what} som låter dig {goal}.",
                     ("komma åt dina projekt var du än är",
                      "arbeta tillsammans med andra utan att skicka filer",
                      "nå publiken även utanför lokalen"),
                     ("Tjänsten startar när du har skapat ditt konto hos leverantören och "
                      "gäller i ett år från start.",)),
    "bocker": ("{name} är en {what} skriven för att {goal}.",
               ("lära ut grunderna utan krånglig teori",
                "fungera som uppslagsbok vid mixern",
                "ge dig säkerhet i arbetet"),
               ("Boken är tryckt på svenska.",)),
}


def describe(item: _Item, top_slug: str, n: int) -> str:
    """A description composed from the category's texts and the item's own features."""
    opening, goals, closings = _TEXTS[top_slug]
    first = opening.format(name=item.name, what=item.what, goal=goals[n % len(goals)])
    features = "\n".join(f"– {feature[0].upper()}{feature[1:]}" for feature in item.features)
    return "\n\n".join([first, f"I korthet:\n{features}", closings[n % len(closings)]])


def _kind(top_slug: str) -> str:
    return {"mjukvarulicenser": ProductKind.LICENCE,
            "molntjanster": ProductKind.CLOUD}.get(top_slug, ProductKind.PHYSICAL)


@transaction.atomic
def load() -> None:
    """Create what is missing of the demo catalogue. Running it again adds nothing and
    keeps every change staff made in the admin."""
    top_of: dict[str, Category] = {}
    by_slug: dict[str, Category] = {}
    for position, cat in enumerate(CATEGORIES, start=1):
        top, _ = Category.objects.get_or_create(
            slug=cat.slug,
            defaults={"name": cat.name, "description": cat.description, "parent": None,
                      "position": position * 10},
        )
        by_slug[cat.slug] = top_of[cat.slug] = top
        for sub_position, (slug, name) in enumerate(cat.children, start=1):
            sub, _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "parent": top, "position": sub_position},
            )
            by_slug[slug] = sub
            top_of[slug] = top

    for n, item in enumerate(ITEMS):
        category = by_slug[item.category]
        top_slug = top_of[item.category].slug
        product, created = Product.objects.get_or_create(
            sku=item.sku,
            defaults={
                "category": category, "name": item.name,
                "slug": slugify(item.name.replace("×", "x")),
                "description": describe(item, top_slug, n), "price_ore": item.price_ore,
                "vat_rate": item.vat_rate, "stock": item.stock, "is_active": item.active,
                "is_featured": item.featured, "kind": _kind(top_slug),
            },
        )
        if created:
            # created_at is auto_now_add, so it is set here: spread over a year, so that
            # the "newest" sort order means something, and the same on every run.
            added = _FIRST_ADDED + dt.timedelta(days=(n * 37) % 365, hours=n % 9)
            Product.objects.filter(pk=product.pk).update(created_at=added)
