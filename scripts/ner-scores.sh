#!/usr/bin/env bash
# Prints the entity tagger's figures: 5-fold cross-validation on CoNLL-2003
# eng.train (the data the shipped model learns from and the epochs are
# chosen on), then the shipped model on eng.testa and on Wikigold, neither
# of which chooses anything.
# Usage: scripts/ner-scores.sh [CORPUS]   (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
cargo build --release --quiet
newsdex=target/release/newsdex

echo "== 5-fold cross-validation on eng.train =="
"$newsdex" ner cv "$corpus/conll2003/eng.train" --max-epochs 25 2>/dev/null
echo
echo "== shipped model on eng.testa (development set) =="
"$newsdex" ner eval "$corpus/conll2003/eng.testa"
echo
echo "== shipped model on Wikigold (out of domain) =="
"$newsdex" ner eval "$corpus/wikineural-en/wikigold-test.conllu"
