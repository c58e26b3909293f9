#!/usr/bin/env python3
"""Builds src/ner/data/country-aliases.json, the countries of the entity
alias table, from npm `world-countries` 5.1.0 (data under the ODbL 1.0): each country under its
common English name with its official name and alternative spellings
(`United States` <- `United States of America`, `USA`; `Germany` <-
`Bundesrepublik Deutschland`).

The hand-written table, `schema/entity-aliases.json`, wins: a country whose
common name it lists goes under the name it gives (`United Kingdom` ->
`Britain`), and a spelling it lists keeps its entry (`Federal Republic of
Germany` stays West Germany, as 1980s wire copy means; `Turkey` and `Czech
Republic`, as news writes them, over the package's `Türkiye` and
`Czechia`). Left out: two-letter
codes (`IT`, `DE` are words and abbreviations of other things), spellings in
other scripts, inverted catalogue forms (`Korea, Republic of`), a spelling
two countries share, and spellings news uses for more than the country
(`Congo`, `Macedonia`, `Timor`, `Island`, `Nippon`: see AMBIGUOUS). Every
entry renames places only (`applies_to`): `Mann` is a surname as well as
the Isle of Man, `Saudi` a demonym; and none gives a kind, as `Jordan` and
`Chad` are people's names too.

Usage: python3 scripts/build-country-aliases.py [--out PATH]
(downloads the package with npm into a temporary folder).
"""
import argparse, collections, json, os, re, subprocess, tarfile, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "ner", "data", "country-aliases.json")
HAND = os.path.join(HERE, "..", "schema", "entity-aliases.json")
LATIN = re.compile(r"^[\sA-Za-z\u00C0-\u024F.'\u2019()-]+$")
# Spellings news uses for more than the one country the package gives
# them to: "Congo" is often the Democratic Republic, "Macedonia" the Greek
# region, "Timor" the island Indonesia shares, "Virgin Islands" and
# "Guiana" more than one territory; and single words the package lists
# that are other things in English news: a first name (Dominique), a
# demonym (Togolese), a fragment of a native name (Mexicanos, Portuguesa,
# Prathet, Viti), words (Island, Mann) and the opening of company names
# (Nippon, Nihon).
AMBIGUOUS = {"congo", "macedonia", "timor", "virgin islands", "guiana", "dominique", "togolese",
             "mexicanos", "portuguesa", "prathet", "viti", "island", "mann", "nippon", "nihon"}


def key(name):
    """The matching key of src/ner/aliases.rs: lower case, dots dropped,
    spacing collapsed, a leading "the" dropped."""
    words = name.lower().replace(".", "").replace("\u2019", "").split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, "world-countries@5.1.0"],
                       check=True, stdout=subprocess.DEVNULL)
        tarfile.open(os.path.join(tmp, "world-countries-5.1.0.tgz")).extractall(tmp)
        countries = json.load(open(os.path.join(tmp, "package", "countries.json")))
    hand = {}
    for entry in json.load(open(HAND))["entities"]:
        for written in [entry["name"]] + entry.get("aliases", []):
            hand[key(written)] = entry["name"]

    entries = []
    owners = collections.defaultdict(set)
    for country in countries:
        common = country["name"]["common"]
        canonical = hand.get(key(common), common)
        spellings = [common, country["name"]["official"]] + country.get("altSpellings", [])
        aliases = []
        for written in spellings:
            written = written.strip()
            if (len(written.replace(".", "")) <= 2 or "," in written or not LATIN.match(written)
                    or key(written) in hand or key(written) in AMBIGUOUS
                    or key(written) == key(canonical)):
                continue
            if key(written) not in [key(alias) for alias in aliases]:
                aliases.append(written)
        for alias in aliases:
            owners[key(alias)].add(canonical)
        entries.append((canonical, aliases))
    shared = {written for written, names in owners.items() if len(names) > 1}
    by_name = collections.OrderedDict()
    for canonical, aliases in entries:
        kept = [alias for alias in aliases if key(alias) not in shared]
        by_name.setdefault(canonical, [])
        by_name[canonical].extend(alias for alias in kept if alias not in by_name[canonical])
    out = {
        "description": "Countries under their common English names with their official names and "
                       "alternative spellings, from npm world-countries 5.1.0 (ODbL 1.0), built by "
                       "scripts/build-country-aliases.py. schema/entity-aliases.json wins over it.",
        "version": 1,
        "entities": [{"name": name, "applies_to": "location", "aliases": aliases}
                     for name, aliases in sorted(by_name.items()) if aliases],
    }
    with open(args.out, "w") as file:
        # One entry per line, as schema/entity-aliases.json writes them.
        head = {k: v for k, v in out.items() if k != "entities"}
        file.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n  "entities": [\n')
        file.write(",\n".join("    " + json.dumps(entry, ensure_ascii=False) for entry in out["entities"]))
        file.write("\n  ]\n}\n")
    print(f"{len(out['entities'])} countries, {sum(len(e['aliases']) for e in out['entities'])} spellings "
          f"({len(shared)} shared spellings left out) -> {args.out}")


if __name__ == "__main__":
    main()
