"""Word lists for the demo portfolio: Swedish, Norwegian and Finnish names, places, creditors."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    city: str
    zip_from: int
    zip_to: int
    municipal_code: str


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    language: str
    culture: str
    phone_prefix: str
    female_names: tuple[str, ...]
    male_names: tuple[str, ...]
    surnames: tuple[str, ...]
    streets: tuple[str, ...]
    places: tuple[Place, ...]
    company_patterns: tuple[str, ...]
    creditors: tuple[str, ...]
    # Fees a collection agency adds per case, in the country's currency.
    reminder_fee: int
    collection_fee: int
    # Typical principal of a consumer claim (min, max) in the currency.
    principal_range: tuple[int, int]


SWEDEN = Country(
    code="SE", currency="SEK", language="sv", culture="sv-SE", phone_prefix="+46",
    female_names=("Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma",
                  "Kerstin", "Ingrid", "Elin", "Linnea", "Åsa", "Sofia", "Maja", "Ebba",
                  "Märta", "Agnes", "Ida", "Johanna"),
    male_names=("Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Jan",
                "Thomas", "Daniel", "Fredrik", "Oskar", "Gustav", "Björn", "Göran", "Åke",
                "Nils", "Viktor", "Linus"),
    surnames=("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
              "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson",
              "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Lindström",
              "Lindqvist", "Öberg", "Åberg", "Ström", "Sjöberg", "Bäckström", "Lundgren",
              "Berglund", "Holmström", "Nordström", "Ekström", "Söderberg"),
    streets=("Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan", "Skolgatan",
             "Kyrkogatan", "Järnvägsgatan", "Parkvägen", "Björkvägen", "Ringvägen",
             "Södra vägen", "Östra Långgatan", "Åsgatan", "Lärkvägen", "Ekvägen"),
    places=(
        Place("Stockholm", 11120, 11860, "0180"), Place("Göteborg", 41101, 41879, "1480"),
        Place("Malmö", 21115, 21872, "1280"), Place("Uppsala", 75220, 75758, "0380"),
        Place("Västerås", 72210, 72591, "1980"), Place("Örebro", 70210, 70375, "1880"),
        Place("Linköping", 58220, 58937, "0580"), Place("Umeå", 90325, 90752, "2480"),
        Place("Luleå", 97231, 97754, "2580"), Place("Jönköping", 55302, 55630, "0680"),
        Place("Lund", 22220, 22738, "1281"), Place("Gävle", 80250, 80647, "2180"),
        Place("Sundsvall", 85230, 85750, "2281"), Place("Karlstad", 65224, 65639, "1780"),
        Place("Växjö", 35230, 35596, "0780"),
    ),
    company_patterns=("{surname} Bygg AB", "{city} Fastigheter AB", "{surname}s Åkeri AB",
                      "Nordisk {trade} AB", "{surname} & Partners AB", "{city} Bageri AB"),
    creditors=("Telia Sverige AB", "Vattenfall AB", "Tele2 Sverige AB", "Ellevio AB",
               "Klarna Bank AB", "Stockholm Exergi AB"),
    reminder_fee=60, collection_fee=180, principal_range=(250, 60000),
)

NORWAY = Country(
    code="NO", currency="NOK", language="nb", culture="nb-NO", phone_prefix="+47",
    female_names=("Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid",
                  "Bjørg", "Hilde", "Solveig", "Silje", "Ingeborg", "Nora", "Emma", "Sofie",
                  "Kristin", "Tone", "Åse"),
    male_names=("Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans",
                "Geir", "Tor", "Morten", "Terje", "Odd", "Håkon", "Magnus", "Sindre",
                "Øystein", "Eirik"),
    surnames=("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
              "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
              "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen",
              "Halvorsen", "Henriksen", "Lund", "Sørensen", "Bakken", "Strand", "Solberg",
              "Ødegård", "Aasen", "Bråten"),
    streets=("Storgata", "Kirkegata", "Kongens gate", "Dronningens gate", "Parkveien",
             "Skolegata", "Bjørkeveien", "Fjellveien", "Sjøgata", "Ringveien", "Løkkeveien",
             "Øvre Slottsgate", "Åsveien", "Granveien"),
    places=(
        Place("Oslo", 150, 1295, "0301"), Place("Bergen", 5003, 5099, "4601"),
        Place("Trondheim", 7010, 7099, "5001"), Place("Stavanger", 4001, 4099, "1103"),
        Place("Tromsø", 9006, 9020, "5501"), Place("Drammen", 3001, 3048, "3301"),
        Place("Kristiansand", 4608, 4639, "4204"), Place("Ålesund", 6002, 6030, "1508"),
        Place("Bodø", 8001, 8030, "1804"), Place("Lillehammer", 2609, 2619, "3405"),
    ),
    company_patterns=("{surname} Transport AS", "{city} Eiendom AS", "{surname} Rør AS",
                      "Norsk {trade} AS", "{surname} & Sønn AS", "{city} Bakeri AS"),
    creditors=("Elkraft Norge AS", "Telenor Norge AS", "Fjordkraft AS",
               "Santander Consumer Bank AS", "Ice Communication Norge AS",
               "Boligbygg Oslo KF"),
    reminder_fee=70, collection_fee=210, principal_range=(300, 65000),
)

FINLAND = Country(
    code="FI", currency="EUR", language="fi", culture="fi-FI", phone_prefix="+358",
    female_names=("Maria", "Helena", "Johanna", "Anneli", "Kaarina", "Marjatta", "Anna",
                  "Liisa", "Annikki", "Hannele", "Tuula", "Päivi", "Sari", "Aino", "Eeva",
                  "Riitta", "Sanna", "Minna", "Satu", "Hanna"),
    male_names=("Juhani", "Johannes", "Mikael", "Olavi", "Antero", "Tapani", "Kalevi", "Matti",
                "Timo", "Pekka", "Jukka", "Mikko", "Ville", "Jari", "Janne", "Kari", "Antti",
                "Väinö", "Eino", "Tuomas"),
    surnames=("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
              "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen",
              "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen",
              "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
              "Savolainen", "Wikström", "Östman"),
    streets=("Mannerheimintie", "Hämeenkatu", "Kauppakatu", "Rautatienkatu", "Koulukatu",
             "Kirkkokatu", "Puistokatu", "Aleksanterinkatu", "Satamakatu", "Koivukuja",
             "Mäntytie", "Järvitie", "Rantatie", "Pohjoisesplanadi"),
    places=(
        Place("Helsinki", 100, 990, "091"), Place("Espoo", 2100, 2980, "049"),
        Place("Tampere", 33100, 33980, "837"), Place("Turku", 20100, 20960, "853"),
        Place("Oulu", 90100, 90940, "564"), Place("Jyväskylä", 40100, 40950, "179"),
        Place("Lahti", 15100, 15950, "398"), Place("Kuopio", 70100, 70940, "297"),
        Place("Vaasa", 65100, 65930, "905"), Place("Rovaniemi", 96100, 96930, "698"),
    ),
    company_patterns=("{surname} Rakennus Oy", "{surname} Logistiikka Oy",
                      "Suomen {trade} Oy", "{surname} & Co Oy", "Kiinteistö {surname} Oy"),
    creditors=("Elisa Oyj", "Fortum Oyj", "DNA Oyj", "Helen Oy", "Telia Finland Oyj",
               "Lumo Kodit Oy"),
    reminder_fee=5, collection_fee=24, principal_range=(30, 6500),
)

# Share of the portfolio per country.
COUNTRIES = ((SWEDEN, 50), (NORWAY, 25), (FINLAND, 25))

TRADES = ("Maskin", "Data", "Måleri", "Elektro", "Trä", "Stål")
NACE_CODES = ("41.200", "43.210", "49.410", "56.101", "68.200", "47.110", "62.010")
CASE_SERVICES = ("Collection", "Reminder", "Legal", "Surveillance")
ACTIVE_SUB_STATUSES = ("Reminder sent", "Debt collection", "Payment plan", "Enforcement",
                       "Disputed")
CLOSURE_CODES = ("PAID", "PAID", "PAID", "RECALLED", "WRITTEN_OFF")
EXTRA_FIELDS = (
    ("segment", ("B2C", "B2B", "SME")),
    ("riskClass", ("A", "B", "C", "D")),
    ("preferredContactTime", ("08-12", "12-16", "16-20")),
    ("contactNote", ("Prefers e-mail", "Call after work", "Hard of hearing",
                     "Uses a legal representative")),
)
EXTRA_ADDRESS_TYPES = ("POSTAL", "WORK", "TEMPORARY", "INVOICE")
EMAIL_DOMAINS = {"SE": ("telia.se", "gmail.com", "outlook.com", "bredband.net"),
                 "NO": ("online.no", "gmail.com", "hotmail.no", "telenor.no"),
                 "FI": ("elisanet.fi", "gmail.com", "luukku.com", "outlook.com")}
