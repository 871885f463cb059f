#!/bin/sh
# Re-create files/ from the pinned commits in PROVENANCE.tsv, reading git mirrors
# (MIRROR=/work/.mirror by default: one git dir per repository, owner+name/repo; `git clone
# --mirror https://github.com/OWNER/NAME` gives the same). Every file is committed already;
# this script shows where each comes from and checks that the committed copy is unchanged.
set -eu
cd "$(dirname "$0")"
MIRROR=${MIRROR:-/work/.mirror}
tab="$(printf '\t')"
status=0
# (a here-document, not a pipe: the loop runs in this shell, so $status survives it)
while IFS="$tab" read -r repo commit path licence local langs note; do
    g="$MIRROR/$(echo "$repo" | tr / +)/repo"
    [ -d "$g/.git" ] && g="$g/.git"
    out="files/$(basename "$local")"
    tmp="$out.part"
    git --git-dir="$g" show "$commit:$path" >"$tmp"
    case "$out" in
    *.tmx)  # converted from the PO catalogue: see the note in PROVENANCE.tsv
        po="$tmp.po"
        mv "$tmp" "$po"
        po2tmx --language=en --source-language=zh-CN "$po" "$tmp" >/dev/null 2>&1
        sed -i '4s/srclang="en"/srclang="zh-CN"/' "$tmp"
        rm -f "$po"
        # po2tmx stamps no date, but its version is in the header
        ;;
    esac
    if [ -f "$out" ] && ! cmp -s "$tmp" "$out"; then
        echo "changed: $out differs from $repo@$commit:$path" >&2
        status=1
    fi
    mv "$tmp" "$out"
done <<EOF
$(tail -n +2 PROVENANCE.tsv)
EOF
echo "corpus in $(pwd)/files"
exit $status
