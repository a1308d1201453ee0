"""Schemathesis hooks of the API contract test: how to send an NDJSON body
(POST /v1/documents accepts application/x-ndjson, which Schemathesis has no
serializer for). Loaded through SCHEMATHESIS_HOOKS by openapi_contract_test.py."""
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        # Lone surrogates stay as the invalid UTF-8 they stand for: the server must refuse it.
        return value.encode("utf-8", "surrogatepass")
    # Negative cases generate other types; send them as JSON lines.
    items = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(v) for v in items).encode("utf-8")
