#!/bin/sh
# Download the real-file corpus listed in PROVENANCE.tsv into cache/ (pinned commits).
set -eu
cd "$(dirname "$0")"
mkdir -p cache
tail -n +2 PROVENANCE.tsv | while IFS="$(printf '\t')" read -r repo commit path licence local; do
    out="cache/$(basename "$local")"
    [ -s "$out" ] || curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$path" -o "$out"
done
echo "corpus in $(pwd)/cache"
