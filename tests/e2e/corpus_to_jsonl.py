#!/usr/bin/env python3
"""Turn reports with YAML front matter into JSON Lines documents for
pactscan --input jsonl: "id" (the file name), "title", "date", "source" and
"url" from the front matter's top-level keys, and "text" (the body).

usage: corpus_to_jsonl.py FILE... > docs.jsonl
"""
import json
import os
import sys

for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        text = f.read()
    record, body = {'id': os.path.basename(path)}, text
    if text.startswith('---\n') and '\n---\n' in text[3:]:
        end = text.index('\n---\n', 3)
        for line in text[4:end].split('\n'):
            key, sep, value = line.partition(':')
            if sep and not line[0].isspace() and key in ('title', 'date', 'source', 'url') and value.strip():
                record[key] = value.strip().strip('"')
        body = text[end + 5:]
    record['text'] = body
    print(json.dumps(record, ensure_ascii=False))
