#!/usr/bin/env python3
"""Validates lethe results files against docs/results.schema.json with the jsonschema package (Draft 2020-12).

Usage: validate_results.py SCHEMA FILE...   Prints one line per violation and exits 1 when there is any; exits 2
when jsonschema is not installed (`pip install jsonschema`; Deploy/test.sh installs it).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed: pip install jsonschema (Deploy/test.sh installs it)")
    sys.exit(2)


def main(schema_path, files):
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = 0
    for path in files:
        with open(path) as f:
            document = json.load(f)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
            where = "/".join(map(str, error.absolute_path)) or "(top level)"
            print(f"{path}: {where}: {error.message}")
            problems += 1
    if problems == 0:
        print(f"{len(files)} file(s) valid")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
