#!/usr/bin/env python3
"""Write a reproducible benchmark corpus of news-like English prose.

    tests/bench/gen.py --seed 1 --size-mb 200 --setting-share 0.03 --out FILE
    tests/bench/gen.py --seed 1 --size-mb 5 --format jsonl --out FILE

Documents have 5-20 sentences, one paragraph per line; in the text format a
headline line opens each document and a blank line separates documents. In
the jsonl format each line is one document:
{"id": ..., "date": ..., "source": ..., "title": ..., "text": ...}.

About --setting-share of the sentences are about the peace plan's setting.
They are drawn from the bundled corpus (corpus/*.txt, front matter stripped,
reports about other conflicts left out) and varied: numbers, weekdays,
months, Gaza place names and actors are swapped and attributions ("officials
said") added or removed, so a source sentence comes out in many forms. Many
sentences still recur word for word (at 200 MB about 70% of all sentences,
the fixed filler lines most), which a scan's speed does not depend on: ten
copies of a 2 MB sample scan at the speed of 20 MB as written. The rest is other
news (economy, sports, weather, elections, courts, health, other conflicts
and their look-alikes: prisoner swaps in Ukraine, a withdrawal in Sudan, a
man disarmed by police, a company withdrawing its bid) made from templates
and vocabulary lists. The same seed, size, share and corpus give the same
bytes. Standard library only.
"""

import argparse
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "corpus"))

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

FIRST = """James Maria Ahmed Olga Pierre Sofia Kenji Amara Lars Priya Miguel Fatima
Daniel Elena Chen Aisha Tomasz Grace Ravi Ingrid Samuel Lucia Yusuf Hannah Marco
Nadia Carlos Anna Oliver Mei Thabo Claire Sergio Leila Patrick Ayumi Kwame Emma
Diego Sara Viktor Rosa Hiroshi Zanele Liam Irina Mateo Chloe Omar Julia Rahul
Freya Andre Beatriz Tariq Helen Nikolai Ines Joseph Amina David Laura""".split()

LAST = """Smith Okafor Novak Fernandes Kowalski Tanaka Haddad Lindqvist Moreau
Schneider Rossi Mensah Petrov Garcia O'Brien Nakamura Dubois Jensen Alvarez
Kaplan Osei Muller Silva Horvat Ivanova Bianchi Nguyen Patel Reyes Andersen
Costa Kim Mbeki Walsh Yilmaz Sato Fischer Romero Banda Larsen Hughes Castillo
Weber Kariuki Mendes Park Lopez Morales Brennan Dimitrov Eriksen Chowdhury
Santos Wagner Achebe Varga Leclerc Murphy Ortega Sokolov Abbott""".split()

ROLES = [
    "a spokeswoman for the ministry", "a spokesman for the company",
    "the chief executive", "the finance minister", "an analyst at Berenberg",
    "a senior economist at ING", "the head of the regional council",
    "a professor of political science at the University of Leeds",
    "the team's head coach", "the mayor", "a local resident",
    "the police commissioner", "a lawyer for the family", "the club's captain",
    "a meteorologist at the national weather service", "the opposition leader",
    "a spokesperson for the electoral commission", "the health minister",
    "a researcher at the Kiel Institute", "the union's general secretary",
]

CITIES = [
    ("LONDON", "London", "Britain"), ("PARIS", "Paris", "France"),
    ("BERLIN", "Berlin", "Germany"), ("MADRID", "Madrid", "Spain"),
    ("ROME", "Rome", "Italy"), ("WARSAW", "Warsaw", "Poland"),
    ("TOKYO", "Tokyo", "Japan"), ("SEOUL", "Seoul", "South Korea"),
    ("MUMBAI", "Mumbai", "India"), ("JAKARTA", "Jakarta", "Indonesia"),
    ("LAGOS", "Lagos", "Nigeria"), ("NAIROBI", "Nairobi", "Kenya"),
    ("SAO PAULO", "Sao Paulo", "Brazil"), ("MEXICO CITY", "Mexico City", "Mexico"),
    ("BUENOS AIRES", "Buenos Aires", "Argentina"), ("TORONTO", "Toronto", "Canada"),
    ("SYDNEY", "Sydney", "Australia"), ("STOCKHOLM", "Stockholm", "Sweden"),
    ("OSLO", "Oslo", "Norway"), ("VIENNA", "Vienna", "Austria"),
    ("ATHENS", "Athens", "Greece"), ("LISBON", "Lisbon", "Portugal"),
    ("MANILA", "Manila", "the Philippines"), ("HANOI", "Hanoi", "Vietnam"),
    ("ACCRA", "Accra", "Ghana"), ("SANTIAGO", "Santiago", "Chile"),
    ("BOGOTA", "Bogota", "Colombia"), ("DUBLIN", "Dublin", "Ireland"),
    ("PRAGUE", "Prague", "the Czech Republic"), ("BUDAPEST", "Budapest", "Hungary"),
    ("CHICAGO", "Chicago", "the United States"), ("HOUSTON", "Houston", "the United States"),
    ("FRANKFURT", "Frankfurt", "Germany"), ("MILAN", "Milan", "Italy"),
    ("OSAKA", "Osaka", "Japan"), ("CAPE TOWN", "Cape Town", "South Africa"),
]
COUNTRIES = sorted({c[2] for c in CITIES} | {"Canada", "Chile", "Peru", "Morocco", "Turkey"})

COMPANIES = """Norvik Energy|Altamira Foods|Helix Semiconductors|Brightwater
Utilities|Calder Motors|Pinecrest Pharmaceuticals|Orion Logistics|Vantage
Telecom|Meridian Bank|Solace Airlines|Ironbridge Steel|Quill Media|Tessera
Software|Harbourline Shipping|Greenfield Retail|Summit Insurance|Kestrel
Aerospace|Lumen Health|Northgate Mining|Bluefin Seafoods|Castellan Capital|Verdant
Agritech|Axiom Chemicals|Riverstone Homes|Polaris Payments""".replace("\n", " ").split("|")
BANKS = ["Meridian Bank", "Castellan Capital", "ING", "Nomura", "Commerzbank",
         "BNP Paribas", "Standard Bank", "Itau"]
INDEXES = ["the FTSE 100", "the DAX", "the Nikkei 225", "the S&P 500",
           "the CAC 40", "the Stoxx 600", "the Hang Seng", "the Bovespa"]
SECTORS = ["banking", "retail", "housing", "energy", "tech", "airline", "mining",
           "car", "chip", "insurance"]
ECON_CONCERNS = ["sticky services inflation", "weak consumer demand",
                 "uncertainty over tariffs", "a cooling labour market",
                 "the strength of the currency", "rising energy costs"]

TEAMS = """Real Madrid|Bayern Munich|Arsenal|Juventus|Ajax|Benfica|Celtic|Porto
|Boca Juniors|Flamengo|Galatasaray|Napoli|Sevilla|Feyenoord|Lyon|the Chicago
Bulls|the Boston Celtics|the Toronto Maple Leafs|the Yankees|the Kansas City
Chiefs|the All Blacks|the Springboks|Leinster|Mumbai Indians|Sporting
Lisbon|Olympiacos|Red Star Belgrade|Club Brugge""".replace("\n", " ").split("|")
TEAMS = [t.strip() for t in TEAMS]
SPORTS_EVENTS = ["the Champions League", "the World Cup qualifiers", "the Six Nations",
                 "the Australian Open", "the Tour de France", "the European Championship",
                 "the league title race", "the cup final", "the NBA playoffs"]

STORMS = ["Amy", "Boris", "Ciaran", "Darragh", "Eowyn", "Floris", "Gerrit",
          "Henk", "Isha", "Jocelyn", "Kathleen", "Lilian", "Babet", "Agnes"]
REGIONS = ["the north of the country", "coastal areas", "the Alpine valleys",
           "the southern provinces", "the capital region", "the east coast",
           "the river delta", "mountain districts", "the western highlands"]
AIRPORTS = ["Heathrow", "Schiphol", "Frankfurt airport", "Charles de Gaulle",
            "O'Hare", "Narita", "Dublin airport", "Arlanda"]

PARTIES = ["the Social Democrats", "the centre-right People's Party", "the Greens",
           "the Liberal Alliance", "the Labour Party", "the National Front",
           "the Progress Party", "the Christian Democrats", "the Farmers' Union"]

DISEASES = ["measles", "dengue fever", "cholera", "influenza", "mpox", "tuberculosis"]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
MONTH_ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.",
              "Sept.", "Oct.", "Nov.", "Dec."]

UKR_TOWNS = ["Pokrovsk", "Kupiansk", "Huliaipole", "Kostiantynivka", "Siversk",
             "Vovchansk", "Myrnohrad", "Lyman"]
SUDAN_TOWNS = ["Bara", "El Obeid", "Babanusa", "Kadugli", "Dilling", "Tawila",
               "Um Ruwaba", "Kassala"]
DRC_TOWNS = ["Uvira", "Goma", "Bukavu", "Walikale", "Masisi", "Rutshuru"]
OTHER_CONFLICT_PLACES = ["eastern Congo", "Myanmar's Rakhine state", "the Sahel",
                         "northern Mozambique", "Haiti's capital", "Yemen's Marib province",
                         "the Thai-Cambodian border", "Nagorno-Karabakh", "Kashmir"]

# Setting-side substitutions (used to vary corpus sentences)
GAZA_PLACES = ["Gaza City", "Khan Younis", "Rafah", "Deir al-Balah", "Jabalia",
               "Beit Lahia", "Beit Hanoun", "Nuseirat", "Bureij", "Maghazi",
               "al-Mawasi", "Shujaiya", "Zeitoun", "Bani Suheila", "Abasan"]
ACTOR_GROUPS = [
    ["Netanyahu", "Katz", "Smotrich", "Ben-Gvir", "Dermer", "Saar"],
    ["Trump", "Witkoff", "Kushner", "Rubio", "Vance"],
    ["Khalil al-Hayya", "Hazem Qassem", "Mohammed Darwish", "Bassem Naim",
     "Zaher Jabarin", "Osama Hamdan"],
    ["Egypt", "Qatar", "Turkey"],
    ["Indonesia", "Azerbaijan", "Pakistan", "Italy", "Malaysia"],
]
SETTING_DATELINES = ["GAZA CITY", "JERUSALEM", "TEL AVIV", "CAIRO", "KHAN YOUNIS",
                     "DEIR AL-BALAH", "DOHA", "WASHINGTON", "UNITED NATIONS",
                     "RAFAH, Gaza Strip", "RAMALLAH, West Bank", "AMMAN", "KEREM SHALOM"]
SETTING_SOURCES = ["officials said", "a senior official said", "according to the army",
                   "the civil defence agency said", "mediators said",
                   "diplomats said", "a Hamas official said", "Israeli media reported",
                   "the health ministry said", "a UN spokesperson said"]
SOURCES = ["wire", "wire", "wire", "analysis", "statement", "liveblog"]

# --------------------------------------------------------------------------
# Templates for the other news. {slot} names are filled by Filler below.
# --------------------------------------------------------------------------

T_ECONOMY = [
    "{Company} said on {weekday} that third-quarter revenue rose {pct} to {money}, beating analysts' forecasts.",
    "Shares of {Company} fell {pct} in early trading after the company cut its full-year outlook.",
    "The central bank of {country} held its benchmark rate at {rate} percent, citing {econ_concern}.",
    "Inflation in {country} slowed to {rate} percent in {month}, the statistics office said on {weekday}.",
    "\"We expect inflation to ease only gradually,\" {name}, chief economist at {bank}, said in a note to clients.",
    "{index} closed {pct} higher, led by gains in {sector} stocks.",
    "Unemployment rose to {rate} percent in {month}, the highest level since {year}.",
    "{Company} withdrew its bid for {Company} after regulators raised competition concerns.",
    "The company withdrew its offer on {weekday}, saying the price demanded by shareholders was too high.",
    "{Company} agreed to buy {Company} for {money} in cash and shares, the companies said.",
    "Oil prices climbed {pct} to ${oilprice} a barrel as traders weighed supply risks.",
    "Retail sales rose {pct} in {month} from a year earlier, helped by discounting in the run-up to the holidays.",
    "The government will raise the minimum wage by {pct} from {month}, {name} told parliament.",
    "Analysts said investors were held hostage by the tariff headlines coming out of Washington.",
    "\"The market has priced in two more cuts this year, and that looks optimistic,\" said {name}, {role}.",
    "{Company} plans to cut {bignum} jobs worldwide by the end of {year} as it shifts to automation.",
    "Exports fell for a {ordinal} straight month, dragged down by weaker demand for cars and machinery.",
    "The housing market in {city} cooled, with prices down {pct} on the year, according to the land registry.",
    "The strike by {sector} workers entered its {ordinal} day, with the union demanding a {pct} pay rise.",
    "Mr. {last} said the board would review the dividend policy at its meeting on {monthabbr} {day}.",
    "The deal, which still needs approval from regulators in {country}, is expected to close in {month}.",
    "The currency slipped {pct} against the dollar after the data were published.",
    "Bond yields rose to {rate} percent, their highest since {month} {year}.",
    "Profit before tax came in at {money}, compared with {money} a year earlier.",
]

T_SPORTS = [
    "{team} beat {team} {score} on {weekday} night, with {name} scoring twice in the second half.",
    "{name}, {age}, signed a {small}-year contract with {team} worth a reported {money}.",
    "The match in {cityname} was delayed by {small} minutes because of heavy rain.",
    "\"We showed character today, and that is what wins titles,\" coach {name} told reporters.",
    "{team} withdrew from the tournament after {small} players tested positive for a stomach virus.",
    "{name} retired from international football at {age}, ending a career that brought {small} major titles.",
    "The two clubs agreed a truce in their long-running dispute over ticket prices, the league said.",
    "{team} sit {small} points clear at the top of the table with {small} games left.",
    "A crowd of {bignum} watched the final at the national stadium in {cityname}.",
    "{name} won the men's singles title, beating {name} {setscore} in just under three hours.",
    "The referee was replaced at half-time after suffering a hamstring injury.",
    "Fans released thousands of balloons before kick-off to mark the club's {ordinal} anniversary.",
    "{team} released their captain, {name}, from his contract by mutual consent.",
    "The federation fined {team} {money} for crowd trouble during the game against {team}.",
    "{name} will miss the rest of the season with a knee injury, the club said on {weekday}.",
    "Qualifying for {sports_event} resumes in {month}, with {team} needing a point to go through.",
    "\"It was a hard week, but the boys never stopped believing,\" {name} said.",
    "The race was neutralised for {small} laps after a crash at the first corner.",
]

T_WEATHER = [
    "Forecasters warned of winds of up to {kmh} kilometres per hour as Storm {storm} approached {region}.",
    "Temperatures fell to minus {small} degrees Celsius overnight in {cityname}, the coldest night of the year.",
    "More than {num} flights were cancelled at {airport} on {weekday} because of fog.",
    "Aid agencies distributed food and blankets to {bignum} people displaced by flooding in {region}.",
    "Rescuers evacuated {num} residents from homes along the river after it burst its banks.",
    "The weather service issued a red warning for {region}, urging people to stay indoors.",
    "Rainfall in {month} was {pct} above the long-term average, the meteorological office said.",
    "Power was restored to {bignum} homes by {weekday} evening, the grid operator said.",
    "A heatwave pushed temperatures above {hot} degrees Celsius in {cityname} for a {ordinal} day.",
    "Snow blocked {small} mountain passes, and police closed the motorway north of {cityname}.",
    "\"We have not seen water levels like this since {year},\" said {name}, {role}.",
    "Wildfires have burned {bignum} hectares of forest since {monthabbr} {day}, officials said.",
]

T_ELECTIONS = [
    "Voters in {country} go to the polls on {monthabbr} {day} in an election seen as a test for the governing coalition.",
    "{party} won {seats} of the {seatstotal} seats, according to preliminary results published by the electoral commission.",
    "The opposition leader, {name}, rejected the results and called for a recount in {small} districts.",
    "Parliament voted {seats} to {seats} to approve the budget after a {small}-hour debate.",
    "Turnout was {rate} percent, up from {rate} percent at the last election in {year}.",
    "{name} conceded defeat late on {weekday}, telling supporters in {cityname} that the fight would go on.",
    "The coalition talks collapsed after {party} refused to back the pension reform.",
    "A referendum on statehood for the territory was rejected by {pct} of voters.",
    "Polls show {party} on {rate} percent, {small} points ahead of {party}.",
    "\"The people have spoken, and we will respect their decision,\" {name} said in a televised address.",
    "The president dissolved parliament and set new elections for {month}.",
    "Election observers from {small} countries said the vote was largely orderly despite long queues.",
    "Mr. {last} is expected to be sworn in on {monthabbr} {day}.",
]

T_CRIME = [
    "Police disarmed a man who threatened shoppers with a knife at a supermarket in {cityname}, officers said.",
    "A court in {cityname} sentenced {name}, {age}, to {small} years in prison for fraud.",
    "The suspect was released on bail on {weekday} and is due back in court in {month}.",
    "A gunman held {small} people hostage in a bank in {cityname} for several hours before surrendering.",
    "The prison service said {num} inmates were released early under a new law to ease overcrowding.",
    "Prosecutors said the gang smuggled {bignum} kilograms of cocaine through the port of {cityname}.",
    "Officers seized {small} firearms and {money} in cash during raids on {num} addresses.",
    "The jury deliberated for {small} hours before returning a unanimous verdict.",
    "\"This was a cowardly attack on a family going about their lives,\" Detective Inspector {name} said.",
    "The judge ordered the release of two protesters, ruling that their detention was unlawful.",
    "The former minister denied all charges and said he would appeal.",
    "Police withdrew from the square after protesters agreed to clear the road.",
    "{num} people were arrested after clashes between rival fans in {cityname}.",
]

T_HEALTH_TECH = [
    "The health ministry reported {num} new cases of {disease} in the past week.",
    "{Company} unveiled a new chip that it said would cut power use in data centres by {pct}.",
    "Regulators approved a new vaccine against {disease} for use in children over {small}.",
    "Researchers in {cityname} said the trial reduced hospital admissions by {pct}.",
    "\"The results are encouraging but need to be confirmed in larger studies,\" said {name}, {role}.",
    "A cyberattack disrupted services at {num} hospitals across {region}.",
    "The outbreak has killed {small} people since {month}, the World Health Organization said.",
    "{Company} said it would invest {money} in a new factory near {cityname}, creating {jobs} jobs.",
    "The app was downloaded {bignum} times in its first week.",
    "The launch of the satellite was postponed by {small} days because of high winds.",
]

T_CONFLICT = [
    "Russia and Ukraine exchanged {num} prisoners of war each on {weekday}, in a swap mediated by the United Arab Emirates.",
    "Sudan's army withdrew from the town of {sudantown} after days of fighting with the Rapid Support Forces.",
    "The Rapid Support Forces said they had taken full control of {sudantown}, forcing thousands to flee.",
    "Ukrainian troops pulled back from positions near {ukrtown}, the general staff said on {weekday}.",
    "Russian drones struck energy facilities in {small} regions overnight, leaving {bignum} homes without power.",
    "Kyiv said it had received the bodies of {num} soldiers in a repatriation brokered by the Red Cross.",
    "M23 rebels advanced on {drctown} despite a ceasefire signed in Doha in {month}.",
    "Thailand and Cambodia agreed to extend their ceasefire along the disputed border, the two governments said.",
    "Russia annexed Crimea in 2014 and claims four more Ukrainian regions it only partly controls.",
    "The UN-backed force in Haiti will be replaced by a larger Gang Suppression Force, diplomats said.",
    "Armed groups in {conflict_place} released {small} aid workers who had been held for {small} weeks.",
    "The army said it had disarmed {num} militia fighters in {conflict_place} under a demobilisation scheme.",
    "Talks between the warring parties in {conflict_place} are due to resume in Jeddah next month.",
    "\"There can be no peace while civilians are being shelled every night,\" {name}, a resident of {ukrtown}, said.",
    "Monitors reported {num} violations of the truce in {conflict_place} over the weekend.",
    "The prisoner exchange was the {ordinal} this year, the Ukrainian ombudsman said.",
    "Fighting in {conflict_place} has displaced {bignum} people since {month}, according to the UN refugee agency.",
    "The junta released {num} political prisoners to mark a national holiday.",
    "Peacekeepers withdrew from {small} bases in {conflict_place} ahead of the end of their mandate.",
    "The rebels said they would hand over heavy weapons once the government withdrew its troops.",
]

T_GENERIC = [
    "The figures could not be independently verified.",
    "{name} did not respond to a request for comment.",
    "The report is expected to be published in {month}.",
    "Officials said more details would be released on {weekday}.",
    "Mr. {last} has denied wrongdoing.",
    "The ministry did not say how the measure would be paid for.",
    "It was not immediately clear how many people were affected.",
    "{name} contributed reporting from {cityname}.",
    "The story has been updated with comment from {name}.",
    "At least {small} people were injured, {small} of them seriously.",
    "The meeting ended without agreement, and talks will resume on {weekday}.",
    "A decision is expected by the end of {month}.",
]

T_TITLES = [
    "{Company} shares slide after profit warning",
    "{team} edge {team} in late thriller",
    "Storm {storm} brings flooding to {region}",
    "{party} ahead as votes are counted in {country}",
    "Court jails {last} for {small} years over fraud",
    "Central bank holds rates as inflation eases",
    "Ukraine and Russia swap prisoners in latest exchange",
    "Sudan's army pulls out of {sudantown}",
    "{Company} drops bid for {Company}",
    "Heatwave grips {cityname} for a {ordinal} day",
    "New vaccine approved against {disease}",
    "Rebels advance in eastern Congo despite truce",
]

TOPICS = [  # (weight, templates)
    (16, T_ECONOMY), (14, T_SPORTS), (9, T_WEATHER), (10, T_ELECTIONS),
    (10, T_CRIME), (8, T_HEALTH_TECH), (14, T_CONFLICT),
]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "10th", "12th", "25th", "100th"]


class Filler:
    """Mapping for str.format_map: each lookup draws a fresh value."""

    def __init__(self, rng):
        r = rng
        self.r = r
        ch = r.choice
        ri = r.randint

        def name():
            return ch(FIRST) + " " + ch(LAST)

        def pct():
            return "%.1f percent" % (r.random() * 12 + 0.1)

        def money():
            x = r.random()
            if x < 0.5:
                return "$%.1f billion" % (r.random() * 40 + 0.2)
            if x < 0.8:
                return "%d million euros" % ri(2, 950)
            return "$%d million" % ri(2, 950)

        def bignum():
            return "{:,}".format(ri(1200, 950000))

        self.g = {
            "name": name, "last": lambda: ch(LAST),
            "role": lambda: ch(ROLES),
            "Company": lambda: ch(COMPANIES), "bank": lambda: ch(BANKS),
            "index": lambda: ch(INDEXES), "sector": lambda: ch(SECTORS),
            "econ_concern": lambda: ch(ECON_CONCERNS),
            "country": lambda: ch(COUNTRIES), "cityname": lambda: ch(CITIES)[1],
            "city": lambda: ch(CITIES)[1], "region": lambda: ch(REGIONS),
            "airport": lambda: ch(AIRPORTS), "storm": lambda: ch(STORMS),
            "team": lambda: ch(TEAMS), "sports_event": lambda: ch(SPORTS_EVENTS),
            "party": lambda: ch(PARTIES), "disease": lambda: ch(DISEASES),
            "weekday": lambda: ch(WEEKDAYS), "month": lambda: ch(MONTHS),
            "monthabbr": lambda: ch(MONTH_ABBR), "day": lambda: str(ri(1, 28)),
            "year": lambda: str(ri(1998, 2024)), "ordinal": lambda: ch(ORDINALS),
            "pct": pct, "rate": lambda: "%.1f" % (r.random() * 9 + 0.5),
            "money": money, "bignum": bignum, "num": lambda: str(ri(12, 480)),
            "small": lambda: str(ri(2, 9)), "jobs": lambda: "{:,}".format(ri(40, 4800)), "age": lambda: str(ri(19, 71)),
            "score": lambda: "%d-%d" % (ri(1, 5), ri(0, 3)),
            "setscore": lambda: "%d-%d, %d-%d" % (ri(6, 7), ri(0, 4), ri(6, 7), ri(2, 5)),
            "seats": lambda: str(ri(40, 190)), "seatstotal": lambda: str(ri(200, 450)),
            "kmh": lambda: str(ri(80, 160)), "hot": lambda: str(ri(36, 46)),
            "oilprice": lambda: "%.2f" % (r.random() * 30 + 58),
            "ukrtown": lambda: ch(UKR_TOWNS), "sudantown": lambda: ch(SUDAN_TOWNS),
            "drctown": lambda: ch(DRC_TOWNS), "conflict_place": lambda: ch(OTHER_CONFLICT_PLACES),
        }

    def __getitem__(self, key):
        return self.g[key]()


# --------------------------------------------------------------------------
# Setting sentences from the bundled corpus
# --------------------------------------------------------------------------

ABBREV_END = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|vs|U\.S|U\.N|[A-Z]))$")
SPLIT = re.compile(r"([.!?][\"”]?)\s+(?=[\"“A-Z0-9])")


def split_sentences(line):
    """Split a paragraph at '. ' before a capital, roughly, keeping abbreviations."""
    pieces = SPLIT.split(line)  # text, end, text, end, ..., text
    out = []
    for i in range(0, len(pieces), 2):
        s = pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "")
        if out and out[-1].endswith(".") and ABBREV_END.search(out[-1][:-1]):
            out[-1] += " " + s
        else:
            out.append(s)
    return [s.strip() for s in out if s.strip()]


def load_setting(corpus_dir):
    """Sentences and titles of the corpus reports about the plan's setting."""
    sentences, titles = [], []
    if not os.path.isdir(corpus_dir):
        sys.exit("gen.py: corpus directory not found: %s" % corpus_dir)
    for fn in sorted(os.listdir(corpus_dir)):
        if not fn.endswith(".txt") or "-other-" in fn:
            continue
        with open(os.path.join(corpus_dir, fn), encoding="utf-8") as f:
            lines = f.read().splitlines()
        body = lines
        if lines and lines[0].strip() == "---":
            try:
                end = lines.index("---", 1)
            except ValueError:
                end = 0
            for fm in lines[1:end]:
                if fm.startswith("title:"):
                    titles.append(fm[6:].strip().strip('"'))
            body = lines[end + 1:]
        for line in body:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            # drop datelines so varied sentences can be placed anywhere
            line = re.sub(r"^[A-Z][A-Z .,'-]+ — ", "", line)
            for s in split_sentences(line):
                if 25 <= len(s) <= 600 and s[-1] in ".!?\"”":
                    sentences.append(s)
    if not sentences:
        sys.exit("gen.py: no setting sentences found in %s" % corpus_dir)
    return sentences, titles


class Varier:
    """Varies a corpus sentence: numbers, days, places, actors, attribution."""

    def __init__(self, rng):
        self.r = rng
        self.num_re = re.compile(r"(?<![\d.,:])\d{1,3}(?:,\d{3})*(?![\d:])")
        self.day_re = re.compile(r"\b(?:%s)\b" % "|".join(WEEKDAYS))
        self.month_re = re.compile(r"\b(?:October|November|December)\b")
        # Gaza City and Rafah (its crossing) are kept; the other places are swapped.
        self.places = [p for p in GAZA_PLACES if p not in ("Gaza City", "Rafah")]
        self.place_re = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(p) for p in self.places))
        self.actor_map = {}
        for group in ACTOR_GROUPS:
            for a in group:
                self.actor_map[a] = group
        self.actor_re = re.compile(r"\b(?:%s)\b" % "|".join(
            re.escape(a) for a in sorted(self.actor_map, key=len, reverse=True)))
        self.titled_re = re.compile(r"[A-Z][\w.]*\s$")
        # already quoted or attributed: no second "officials said"
        self.quoted_re = re.compile(r"[\"“”]|\b(?:said|says|say|told|tells|according to)\b")
        self.attr_re = re.compile(r", (?:officials|he|she|they|the army|the military|witnesses|the ministry) (?:said|says)\.$")

    def _num(self, m):
        s = m.group(0)
        v = int(s.replace(",", ""))
        r = self.r
        if v < 2 or (1990 <= v <= 2030 and "," not in s):
            return s
        lo, hi = max(2, v // 2), v + v // 2 + 1
        n = r.randint(lo, hi)
        return "{:,}".format(n) if "," in s or n >= 10000 else str(n)

    def _actor(self, m):
        # "Benjamin Netanyahu", "Prime Minister Netanyahu", "Mr. Katz": keep,
        # so first names and titles stay with their own surname.
        if self.titled_re.search(m.string, max(0, m.start() - 24), m.start()):
            return m.group(0)
        return self.r.choice(self.actor_map[m.group(0)])

    def vary(self, s):
        r = self.r
        s = self.num_re.sub(self._num, s)
        if r.random() < 0.5:
            s = self.day_re.sub(lambda m: r.choice(WEEKDAYS), s)
        if r.random() < 0.3:
            s = self.month_re.sub(lambda m: r.choice(("October", "November", "December", "January")), s)
        s = self.place_re.sub(lambda m: r.choice(self.places), s)
        if r.random() < 0.5:
            s = self.actor_re.sub(self._actor, s)
        x = r.random()
        if x < 0.15 and self.attr_re.search(s):
            s = self.attr_re.sub(".", s)
        elif x < 0.35 and s.endswith(".") and not self.quoted_re.search(s):
            s = s[:-1] + ", " + r.choice(SETTING_SOURCES) + "."
        elif x < 0.42 and s.startswith(("The ", "A ", "An ")) and '"' not in s[:40]:
            s = "According to " + r.choice(("officials", "mediators", "two people familiar with the talks",
                                            "the army", "local health officials")) + ", " + s[0].lower() + s[1:]
        return s


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


def make_paragraphs(rng, sentences):
    paras, i, n = [], 0, len(sentences)
    while i < n:
        k = 1 if rng.random() < 0.45 else (2 if rng.random() < 0.7 else 3)
        paras.append(" ".join(sentences[i:i + k]))
        i += k
    return paras


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size-mb", type=float, default=200.0, help="output size in MiB (default 200)")
    ap.add_argument("--setting-share", type=float, default=0.03,
                    help="share of sentences about the plan's setting (default 0.03)")
    ap.add_argument("--out", default="-", help="output file (default stdout)")
    ap.add_argument("--format", choices=("text", "jsonl"), default="text")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="bundled corpus directory")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    if not 0.0 <= a.setting_share <= 1.0:
        ap.error("--setting-share must be between 0 and 1")
    if a.size_mb <= 0:
        ap.error("--size-mb must be positive")

    t0 = time.time()
    rng = random.Random(a.seed)
    setting, setting_titles = load_setting(a.corpus)
    filler = Filler(rng)
    varier = Varier(rng)

    topic_weights = [w for w, _ in TOPICS]
    topic_lists = [t for _, t in TOPICS]
    # Setting documents carry ~75% setting sentences; pick enough of them to
    # reach the requested share (and raise the share inside when needed).
    inner = 0.75
    doc_p = min(1.0, a.setting_share / inner)
    if doc_p >= 1.0:
        inner = a.setting_share

    target = int(a.size_mb * 1024 * 1024)
    out = sys.stdout.buffer if a.out == "-" else open(a.out + ".tmp", "wb")
    written = 0
    buf, buflen = [], 0
    ndocs = nsent = nset = 0
    ch = rng.choice
    rnd = rng.random
    ri = rng.randint
    fmap = filler
    while written + buflen < target:
        ndocs += 1
        is_setting = rnd() < doc_p
        n = ri(5, 20)
        sents = []
        if is_setting:
            for _ in range(n):
                if rnd() < inner:
                    sents.append(varier.vary(ch(setting)))
                    nset += 1
                else:
                    s = ch(T_GENERIC if rnd() < 0.5 else ch(topic_lists)).format_map(fmap)
                    sents.append(s[0].upper() + s[1:])
            dateline = ch(SETTING_DATELINES)
            title = varier.vary(ch(setting_titles)) if setting_titles else "Gaza truce under strain"
        else:
            topic = rng.choices(topic_lists, topic_weights)[0]
            for _ in range(n):
                x = rnd()
                if x < 0.78:
                    s = ch(topic).format_map(fmap)
                elif x < 0.92:
                    s = ch(T_GENERIC).format_map(fmap)
                else:
                    s = ch(ch(topic_lists)).format_map(fmap)
                if s[0].islower():  # "the Chicago Bulls beat ..."
                    s = s[0].upper() + s[1:]
                sents.append(s)
            dateline = ch(CITIES)[0]
            title = ch(T_TITLES).format_map(fmap)
            title = title[0].upper() + title[1:]
        nsent += n
        sents[0] = dateline + " — " + sents[0]
        paras = make_paragraphs(rng, sents)
        if a.format == "text":
            doc = title + "\n" + "\n".join(paras) + "\n\n"
        else:
            date = "2025-%02d-%02d" % (ri(10, 12), ri(1, 28)) if rnd() < 0.7 else "2026-%02d-%02d" % (ri(1, 3), ri(1, 28))
            doc = json.dumps({"id": "bench-%d-%07d" % (a.seed, ndocs), "date": date,
                              "source": ch(SOURCES), "title": title,
                              "text": "\n".join(paras)}, ensure_ascii=False) + "\n"
        buf.append(doc)
        buflen += len(doc) + doc.count("—") * 2  # em dashes are 3 bytes in UTF-8
        if buflen >= 1 << 20:
            data = "".join(buf).encode("utf-8")
            out.write(data)
            written += len(data)
            buf, buflen = [], 0
    if buf:
        data = "".join(buf).encode("utf-8")
        out.write(data)
        written += len(data)
    if out is not sys.stdout.buffer:
        out.close()
        os.replace(a.out + ".tmp", a.out)
    if not a.quiet:
        print("gen.py: %s: %.1f MiB, %d documents, %d sentences, %.1f%% about the setting, %.1f s"
              % (a.out, written / 1048576, ndocs, nsent, 100.0 * nset / max(1, nsent), time.time() - t0),
              file=sys.stderr)


if __name__ == "__main__":
    main()
