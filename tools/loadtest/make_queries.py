#!/usr/bin/env python3
"""Distinct search queries for the load test, more than the response cache holds, drawn from a corpus's titles.

    python3 tools/loadtest/make_queries.py /tmp/corpus-200k.jsonl /tmp/queries-5000.txt [count]

Each query is a run of 2-4 Han characters of a random title (every 40th article), and about a third get a second
two-character word from another title, so the engine sees words, word fragments and two-word AND queries.
"""
import json, random, sys

src, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
random.seed(7)
han = lambda t: ''.join(c for c in t if '\u4e00' <= c <= '\u9fff')
titles = []
with open(src, encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i % 40 == 0:
            titles.append(han(json.loads(line)['title']))
titles = [t for t in titles if len(t) >= 4]
if not titles:
    sys.exit(f"{src}: no titles with four or more Han characters")
queries = set()
while len(queries) < count:
    t = random.choice(titles)
    n = random.choice([2, 2, 3, 4])
    i = random.randrange(0, len(t) - n + 1)
    q = t[i:i + n]
    if random.random() < 0.3:
        t2 = random.choice(titles)
        j = random.randrange(0, len(t2) - 1)
        q = q + ' ' + t2[j:j + 2]
    queries.add(q)
with open(out, 'w', encoding='utf-8') as f:
    f.write('\n'.join(sorted(queries)) + '\n')
print(f"{len(queries)} queries in {out}")
