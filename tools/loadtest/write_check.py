#!/usr/bin/env python3
"""Load-test writer and checker (loopback only): PUTs articles at a steady rate and checks each becomes searchable.

    NEWSSEARCH_API_KEY=... python3 tools/loadtest/write_check.py --port 5091 --rate 50 --seconds 60

Each article carries a unique Latin token; one checker searches the pending tokens (OR, every 100 ms) and records, per
write, the time from the PUT's response to the first search that finds it. Prints counts, errors and the latency
percentiles; exits 1 when a write failed or took longer than --limit seconds to become searchable.
"""
import argparse, http.client, json, os, random, string, sys, threading, time, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=5091)
ap.add_argument("--rate", type=float, default=50.0)
ap.add_argument("--seconds", type=float, default=60.0)
ap.add_argument("--writers", type=int, default=2)
ap.add_argument("--limit", type=float, default=1.0)
args = ap.parse_args()
key = os.environ.get("NEWSSEARCH_API_KEY") or sys.exit("set NEWSSEARCH_API_KEY")
HOST = "127.0.0.1"  # loopback only, by design
run = "".join(random.choice(string.ascii_lowercase) for _ in range(4))
lock = threading.Lock()
pending = {}      # token -> (id, time the PUT answered)
latencies = []    # seconds from PUT answer to the answer of the first search that found it (an upper bound)
sent_latencies = []  # seconds from PUT answer to the sending of that search (the write was visible to it)
errors = []
puts = [0]
stop_writing = threading.Event()
stop_checking = threading.Event()


def writer(index):
    conn = http.client.HTTPConnection(HOST, args.port, timeout=10)
    interval = args.writers / args.rate
    start = time.monotonic() + index * interval / args.writers
    n = 0
    while not stop_writing.is_set():
        due = start + n * interval
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        token = f"lt{run}w{index}n{n}"
        art_id = f"load-{run}-{index}-{n}"
        body = json.dumps({"title": f"负载测试稿件 {token}", "body": f"这是压力测试写入的第{n}篇稿件，标记 {token}。",
                           "publishedAt": "2026-02-01"}, ensure_ascii=False).encode()
        try:
            conn.request("PUT", f"/api/v1/articles/{art_id}", body, {"Content-Type": "application/json", "X-Api-Key": key})
            res = conn.getresponse()
            res.read()
            if res.status not in (200, 201):
                with lock: errors.append(f"PUT {art_id}: {res.status}")
            else:
                with lock:
                    pending[token] = (art_id, time.monotonic())
                    puts[0] += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted
            with lock: errors.append(f"PUT {art_id}: {e}")
            conn = http.client.HTTPConnection(HOST, args.port, timeout=10)
        n += 1


def checker():
    conn = http.client.HTTPConnection(HOST, args.port, timeout=10)
    while not (stop_checking.is_set() and not pending):
        with lock:
            # Oldest first, as many as fit in one query (at most 1,000 characters).
            tokens, length = [], 0
            for t in pending:
                if length + len(t) + 4 > 990: break
                tokens.append(t)
                length += len(t) + 4
            now = time.monotonic()
            for t in [t for t, (_, at) in pending.items() if now - at > 10]:
                errors.append(f"{pending[t][0]}: not searchable after 10 s")
                del pending[t]
        if tokens:
            q = urllib.parse.quote(" OR ".join(tokens))
            try:
                sent = time.monotonic()
                conn.request("GET", f"/api/v1/search?pageSize=100&q={q}")
                res = conn.getresponse()
                data = res.read()
                now = time.monotonic()
                if res.status != 200:
                    with lock: errors.append(f"search: {res.status} {data[:200]!r}")
                else:
                    found = {h["id"] for h in json.loads(data)["hits"]}
                    with lock:
                        for t in tokens:
                            art_id, at = pending[t]
                            if art_id in found:
                                latencies.append(now - at)
                                sent_latencies.append(max(0.0, sent - at))
                                del pending[t]
            except Exception as e:  # noqa: BLE001
                with lock: errors.append(f"search: {e}")
                conn = http.client.HTTPConnection(HOST, args.port, timeout=10)
        time.sleep(0.1)


threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
check = threading.Thread(target=checker)
for t in threads: t.start()
check.start()
time.sleep(args.seconds)
stop_writing.set()
for t in threads: t.join()
stop_checking.set()
check.join()
def summary(name, values):
    v = sorted(values)
    pct = lambda p: v[min(len(v) - 1, int(p / 100 * len(v)))] * 1000 if v else float("nan")
    late = sum(1 for x in v if x > args.limit)
    print(f"  {name}: p50 {pct(50):.0f} ms, p99 {pct(99):.0f} ms, max {max(v) * 1000 if v else float('nan'):.0f} ms, "
          f"later than {args.limit:g} s: {late} of {len(v)}")
    return late


print(f"writes ok {puts[0]} ({puts[0] / args.seconds:.1f}/s), errors {len(errors)}; time from PUT answer until searchable:")
late = summary("found by a search answered (upper bound)", latencies)
summary("found by a search sent", sent_latencies)
for e in errors[:10]: print("  " + e)
sys.exit(1 if errors or late else 0)
