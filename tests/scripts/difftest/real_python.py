#!/usr/bin/env python3
"""Print what python-dotenv's dotenv_values() reads from each file given on
the command line, one JSON object per line: {"file", "python-dotenv": {...}}
with {"vars": {...}} (None for a key without value) or {"error": "..."}."""
import json
import logging
import sys

import dotenv

logging.disable(logging.CRITICAL)  # "could not parse statement" warnings

for path in sys.argv[1:]:
    try:
        res = {"vars": dict(dotenv.dotenv_values(path))}
    except Exception as e:  # a decode error rejects the whole file
        res = {"error": str(e)}
    sys.stdout.write(json.dumps({"file": path, "python-dotenv": res}) + "\n")
