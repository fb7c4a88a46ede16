#!/usr/bin/env python3
"""An SMTP server with STARTTLS that counts its sessions, for the live lab.

    smtpcount.py --cert CHAIN.pem --key KEY --stats FILE [--hold SEC]
                 [--ready FILE] ADDR[:PORT]...

Listens on every ADDR (IPv4; port 25 unless given) inside the lab's network
namespace.  Each connection gets a 220 greeting (after --hold seconds, so
that sessions overlap and a limit on concurrent ones can be seen), EHLO
offers STARTTLS, STARTTLS starts TLS with the given chain; after the
handshake the server answers QUIT and closes.  FILE is rewritten (atomically)
after every session as JSON: per address, "sessions" (connections
accepted), "handshakes" (TLS handshakes completed) and "max_concurrent"
(the most connections open at once, each counted from 20 ms after it
was accepted, when a close queued before it has been seen), plus the
totals.  tests/live/
check-scale.sh and scripts/bench-check-scale read it.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys

stats = {}
totals = {"sessions": 0, "handshakes": 0, "max_concurrent": 0}
open_now = {"all": 0}


def save(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"addresses": stats, "total": totals}, f, sort_keys=True)
    os.replace(tmp, path)


async def session(reader, writer, addr, ctx, hold, path):
    # A connection counts from 20 ms after its accept: a client that closed
    # one and opened the next at once is not counted twice because the
    # close was still queued here.
    await asyncio.sleep(0.02)
    s = stats.setdefault(addr, {"sessions": 0, "handshakes": 0, "max_concurrent": 0, "open": 0})
    s["sessions"] += 1
    s["open"] += 1
    s["max_concurrent"] = max(s["max_concurrent"], s["open"])
    totals["sessions"] += 1
    open_now["all"] += 1
    totals["max_concurrent"] = max(totals["max_concurrent"], open_now["all"])
    try:
        if hold > 0:
            await asyncio.sleep(hold)
        writer.write(b"220 smtpcount ESMTP\r\n")
        await writer.drain()
        tls = False
        while True:
            line = await asyncio.wait_for(reader.readline(), 30)
            if not line:
                break
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
                writer.write(b"250-smtpcount\r\n250-PIPELINING\r\n" +
                             (b"" if tls else b"250-STARTTLS\r\n") + b"250 8BITMIME\r\n")
            elif cmd == b"STARTTLS" and not tls:
                writer.write(b"220 2.0.0 Ready to start TLS\r\n")
                await writer.drain()
                await writer.start_tls(ctx)
                tls = True
                s["handshakes"] += 1
                totals["handshakes"] += 1
                continue
            elif cmd == b"QUIT":
                writer.write(b"221 2.0.0 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 2.0.0 Ok\r\n")
            await writer.drain()
    except (OSError, asyncio.TimeoutError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        s["open"] -= 1
        open_now["all"] -= 1
        try:
            writer.close()
        except OSError:
            pass
        save(path)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--stats", required=True)
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--ready")
    ap.add_argument("listen", nargs="+")
    a = ap.parse_args()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    servers = []
    for spec in a.listen:
        host, _, port = spec.partition(":")
        port = port or "25"

        def handler(r, w, addr=host):
            return session(r, w, addr, ctx, a.hold, a.stats)

        servers.append(await asyncio.start_server(handler, host, int(port), backlog=1024))
    save(a.stats)
    if a.ready:
        open(a.ready, "w").close()
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
