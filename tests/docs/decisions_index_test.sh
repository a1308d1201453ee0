#!/usr/bin/env bash
# scripts/decisions-index in a scratch tree (not a git checkout): the index it writes
# passes --check, and --check fails once a tagged line has moved or a tag is added.
set -euo pipefail
script=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/docs" "$tmp/lib"
cp "$script" "$tmp/scripts/decisions-index"
printf '// one\n// the choice [SOME_CHOICE] is made here\nint x;  // [CLS] is a token, not a decision\n' > "$tmp/lib/a.cpp"
"$tmp/scripts/decisions-index"
grep -q 'lib/a.cpp:2' "$tmp/docs/decisions.md" || { echo "FAIL: index lacks lib/a.cpp:2"; cat "$tmp/docs/decisions.md"; exit 1; }
if grep -q 'CLS' "$tmp/docs/decisions.md"; then echo "FAIL: [CLS] listed as a decision"; exit 1; fi
"$tmp/scripts/decisions-index" --check
# The tagged line moves down by one: the committed index is stale.
sed -i '1i // a new first line' "$tmp/lib/a.cpp"
if "$tmp/scripts/decisions-index" --check; then echo "FAIL: a moved tag was not noticed"; exit 1; fi
"$tmp/scripts/decisions-index"
grep -q 'lib/a.cpp:3' "$tmp/docs/decisions.md" || { echo "FAIL: regenerated index lacks lib/a.cpp:3"; exit 1; }
# A new tag elsewhere: stale again.
echo '# [ANOTHER_ONE]' > "$tmp/lib/b.py"
if "$tmp/scripts/decisions-index" --check; then echo "FAIL: a new tag was not noticed"; exit 1; fi
echo "decisions_index_detects_stale: ok"
