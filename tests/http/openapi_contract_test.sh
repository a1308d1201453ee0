#!/usr/bin/env bash
# ctest entry of the API contract test: runs openapi_contract_test.py with the Python
# environment (pinned Schemathesis) that scripts/setup creates. Its absence is a
# failure, not a skip: scripts/setup makes it, and a skipped contract test proves nothing.
#   openapi_contract_test.sh WINNOW_BINARY SOURCE_DIR [extra args for the .py]
set -euo pipefail
winnow=$1
src=$2
shift 2
venv="$("$src/scripts/setup" --print-contract-venv)"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "FAIL: the API contract test's Python environment is missing ($venv); run scripts/setup" >&2
  exit 1
fi
model=${WINNOW_MODEL_DIR:-$src/models/all-MiniLM-L6-v2}
exec "$venv/bin/python" "$src/tests/http/openapi_contract_test.py" \
  --winnow "$winnow" --spec "$src/docs/openapi.yaml" --model "$model" "$@"
