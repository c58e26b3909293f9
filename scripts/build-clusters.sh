#!/usr/bin/env bash
# Learns the tagger's word clusters (src/ner/data/clusters.txt.gz) from the
# unlabelled English of ../shared/corpus: its news (Reuters-21578, BBC
# News, AG News, Wikipedia's current-events portal, Wikinews, the
# FakeNewsCorpus sample, the article-extraction benchmark's reference
# texts, CoNLL-2003's training text) and the Wikipedia sentences of
# WikiNEuRal and WikiANN, words only. Never CoNLL-2003's development set,
# nor Wikigold: both are held out for evaluation.
# Usage: scripts/build-clusters.sh [CORPUS] [OUT] [CLASSES]
# (defaults: ../shared/corpus, src/ner/data/clusters.txt.gz, 512)
# About 30 minutes on one core at 512 classes (a sixth of that at 256).
# A model must be retrained after the clusters change (`newsdex ner train`,
# see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
out="${2:-src/ner/data/clusters.txt.gz}"
classes="${3:-512}"
cargo build --release --quiet
wiki="$corpus/wikineural-en"
exec target/release/newsdex ner clusters \
  "$corpus/reuters21578" \
  "$corpus/bbc-news" \
  "$corpus/ag-news" \
  "$corpus/wikipedia-current-events" \
  "$corpus/gum-wikinews" \
  "$corpus/fakenewscorpus-sample" \
  "$corpus/article-extraction-benchmark/ground-truth.json" \
  "$corpus/conll2003/eng.train" \
  "$wiki/wikineural-val.conllu" \
  "$wiki/wikineural-test.conllu" \
  "$wiki/wikiann-train.conllu" \
  "$wiki/wikiann-val.conllu" \
  "$wiki/wikiann-test.conllu" \
  --classes "$classes" --out "$out"
