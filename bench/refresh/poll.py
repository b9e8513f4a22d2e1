#!/usr/bin/env python3
"""Polls a URL every 20 ms until told to stop (SIGTERM); prints the longest time it did not answer 2xx, in seconds.

A gap is measured from the last good answer before a failure to the first good answer after it,
so it is the downtime a user of the stack would see (to within the polling interval)."""
import signal, sys, time, urllib.request

url = sys.argv[1]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)

last_ok = None
longest = 0.0
polls = failures = 0
while not stop:
    now = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            ok = 200 <= r.status < 300
    except Exception:
        ok = False
    polls += 1
    if ok:
        t = time.monotonic()
        if last_ok is not None:
            longest = max(longest, t - last_ok)
        last_ok = t
    else:
        failures += 1
    time.sleep(max(0.0, 0.02 - (time.monotonic() - now)))
print(f"{longest:.3f} {polls} {failures}")
