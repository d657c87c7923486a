#!/usr/bin/python3
"""Validates JSON on stdin against a draft 2020-12 schema; $refs resolve within schemas/."""
import json
import pathlib
import sys

import jsonschema

schema_path = pathlib.Path(sys.argv[1])
schema = json.loads(schema_path.read_text(encoding="utf-8"))
store = {}
for p in schema_path.parent.glob("*.schema.json"):
    s = json.loads(p.read_text(encoding="utf-8"))
    store[s.get("$id", p.name)] = s
    store[p.name] = s
resolver = jsonschema.RefResolver(base_uri=schema.get("$id", schema_path.name), referrer=schema,
                                  store=store)
validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.path))
for e in errors:
    print("/".join(map(str, e.path)) or "(root)", ":", e.message)
sys.exit(1 if errors else 0)
