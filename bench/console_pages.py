#!/usr/bin/env python3
"""Times console pages as a signed-in person loads them, for scripts/bench.sh console.

Usage: console_pages.py BASE USER PASSWORD NEW_PASSWORD ROUNDS PATH...
Signs in (changing a one-time password first, to NEW_PASSWORD), then GETs every PATH ROUNDS times over one
keep-alive connection and prints, per path: p50 and p99 milliseconds and the page's size. The
time is measured at the client on loopback, so it is an upper bound of the server's own time.
Exits 1 when a page answers other than 200. With PAUSE_MS set, waits that long after each load:
a paced person rather than a loop as fast as the server answers.
"""
import http.client
import os
import re
import sys
import time
import urllib.parse


def main():
    base, user, password, new_password, rounds = sys.argv[1:6]
    paths = sys.argv[6:]
    host = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    origin = f"{host.scheme}://{host.netloc}"
    cookie = ""

    def request(method, path, form=None):
        nonlocal cookie
        headers = {"Origin": origin}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server ended the keep-alive connection (its idle or per-connection limit).
            conn.close()
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
        data = r.read()
        m = re.search(r"agritrace_console=([A-Za-z0-9_-]+)", r.getheader("Set-Cookie") or "")
        if m:
            cookie = "agritrace_console=" + m.group(1)
        return r.status, data, r.getheader("Location") or ""

    status, _, location = request("POST", "/console/login", {"username": user, "password": password})
    if status != 303:
        sys.exit(f"sign-in as {user} answered {status}")
    if "/console/password" in location:  # a one-time password: change it first
        status, page, _ = request("GET", "/console/password")
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page)
        if status != 200 or not csrf:
            sys.exit(f"the password page for {user} answered {status}")
        status, _, _ = request("POST", "/console/password", {
            "csrf": csrf.group(1).decode(), "username": user, "current": password,
            "new_password": new_password, "repeat": new_password})
        if status != 303:
            sys.exit(f"password change for {user} answered {status}")

    pause = float(os.environ.get("PAUSE_MS", "0")) / 1000
    worst = 0.0
    for path in paths:
        times = []
        size = 0
        for _ in range(int(rounds)):
            t0 = time.perf_counter()
            status, data, _ = request("GET", path)
            times.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                sys.exit(f"GET {path} answered {status}")
            size = len(data)
            if pause:
                time.sleep(pause)
        times.sort()
        p50 = times[len(times) // 2]
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        worst = max(worst, p99)
        print(f"GET {path}: p50_ms={p50:.2f} p99_ms={p99:.2f} bytes={size} "
              f"(targets: p99 <= 20 ms, <= 102400 bytes)")
    print(f"worst_p99_ms={worst:.2f}")


if __name__ == "__main__":
    main()
