#!/usr/bin/env python3
"""A lossy DNS path for tests and benchmarks: a userspace UDP proxy (and a
plain TCP relay) between a DNS client and an upstream resolver, dropping a
given share of datagrams in each direction with a seeded random number
generator, and optionally delaying answers.  Standard library only; runs
anywhere, but the tests run it on loopback inside the lab's namespaces.

    lossy.py --listen 127.0.0.1:5353 --upstream 127.0.0.1:53 \\
             --loss-in 0.1 --loss-out 0.1 [--delay-ms 20] [--jitter-ms 5] \\
             [--seed 1] [--stats FILE] [--ready FILE]

  --listen ADDR:PORT    where clients send queries ([::1]:5353 for IPv6)
  --upstream ADDR:PORT  the resolver queries are forwarded to (port 53
                        when omitted)
  --loss-in P           share (0..1) of client->upstream datagrams dropped
  --loss-out P          share of upstream->client datagrams dropped
  --delay-ms MS         added to every answer (UDP and TCP), and
  --jitter-ms MS        up to this much more, uniformly (default 0)
  --seed N              the generator's seed (default 1): one seed, one
                        sequence of drop decisions for a given order of
                        datagrams
  --idle-s S            forget a client's upstream socket after S seconds
                        without traffic (default 10)
  --stats FILE          on exit (SIGTERM, SIGINT), and every second, write
                        "queries=N dropped_in=N answers=N dropped_out=N
                        tcp=N max_in_flight=N" to FILE (max_in_flight: the
                        most UDP queries passed on and not yet answered)
  --ready FILE          create FILE once listening (for scripts to wait on)
  --drop-qtype N        drop every query for RR type N (repeatable; 52 is
                        TLSA), over UDP and TCP (the connection is closed
                        unanswered): a nameserver that drops TLSA queries

Each client address and port gets its own upstream socket, so answers go
back to the socket that asked, as a resolver's would; TCP connections are
relayed whole (TCP does its own retransmission), with the answer delay.
"""
import argparse
import asyncio
import os
import random
import resource
import signal
import socket
import sys


def hostport(text, default_port=None):
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, ""
    if not port:
        if default_port is None:
            raise argparse.ArgumentTypeError("%r: want ADDR:PORT" % text)
        port = default_port
    return host, int(port)


def qtype_of(msg):
    """The type of a DNS message's first question, or None."""
    i = 12
    try:
        if len(msg) < 12 or (msg[4] << 8 | msg[5]) == 0:
            return None
        while msg[i] != 0:
            if msg[i] & 0xC0:
                return None
            i += msg[i] + 1
        return msg[i + 1] << 8 | msg[i + 2]
    except IndexError:
        return None


def share(text):
    v = float(text)
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError("%r: want a share from 0 to 1" % text)
    return v


class Stats:
    def __init__(self):
        self.queries = self.dropped_in = self.answers = self.dropped_out = self.tcp = 0
        self.max_in_flight = 0  # UDP queries passed on and not yet answered, at most

    def line(self):
        return ("queries=%d dropped_in=%d answers=%d dropped_out=%d tcp=%d max_in_flight=%d"
                % (self.queries, self.dropped_in, self.answers, self.dropped_out, self.tcp,
                   self.max_in_flight))


class Proxy:
    def __init__(self, args, loop):
        self.a = args
        self.loop = loop
        self.rng = random.Random(args.seed)
        self.stats = Stats()
        self.clients = {}  # client address -> [upstream transport, last use]
        self.pending = {}  # (client address, DNS ID) -> when passed on, until answered
        self.listener = None

    def delay(self):
        d = self.a.delay_ms
        if self.a.jitter_ms:
            d += self.rng.uniform(0, self.a.jitter_ms)
        return d / 1000.0

    def lost(self, p):
        return p > 0 and self.rng.random() < p

    # client -> upstream
    def from_client(self, data, addr):
        self.stats.queries += 1
        if self.a.drop_qtype and qtype_of(data) in self.a.drop_qtype:
            self.stats.dropped_in += 1
            return
        if self.lost(self.a.loss_in):
            self.stats.dropped_in += 1
            return
        if len(data) >= 2:
            self.pending[(addr, data[:2])] = self.loop.time()
            self.stats.max_in_flight = max(self.stats.max_in_flight, len(self.pending))
        entry = self.clients.get(addr)
        if entry is not None:
            entry[1] = self.loop.time()
            entry[0].sendto(data)
            return
        self.loop.create_task(self.open_upstream(data, addr))

    async def open_upstream(self, data, addr):
        proxy = self

        class Up(asyncio.DatagramProtocol):
            def datagram_received(self, reply, _):
                proxy.from_upstream(reply, addr)

        try:
            tr, _ = await self.loop.create_datagram_endpoint(
                Up, remote_addr=self.a.upstream)
        except OSError:
            return
        old = self.clients.get(addr)
        if old is not None:  # two queries raced to open one
            tr.close()
            tr = old[0]
        self.clients[addr] = [tr, self.loop.time()]
        tr.sendto(data)

    # upstream -> client
    def from_upstream(self, reply, addr):
        if self.lost(self.a.loss_out):
            self.stats.dropped_out += 1
            return
        self.stats.answers += 1
        d = self.delay()
        if d > 0:
            self.loop.call_later(d, self.send_back, reply, addr)
        else:
            self.send_back(reply, addr)

    def send_back(self, reply, addr):
        self.pending.pop((addr, reply[:2]), None)
        if self.listener is not None:
            self.listener.sendto(reply, addr)

    def expire(self):
        now = self.loop.time()
        for key, when in list(self.pending.items()):  # lost, or never answered
            if now - when > 30:
                del self.pending[key]
        for addr, (tr, last) in list(self.clients.items()):
            if now - last > self.a.idle_s:
                tr.close()
                del self.clients[addr]
        self.write_stats()
        self.loop.call_later(1.0, self.expire)

    def write_stats(self):
        if self.a.stats:
            tmp = self.a.stats + ".tmp"
            with open(tmp, "w") as f:
                f.write(self.stats.line() + "\n")
            os.replace(tmp, self.a.stats)

    # TCP: a relay, answers delayed like UDP's
    async def tcp_client(self, reader, writer):
        self.stats.tcp += 1
        first = b""
        if self.a.drop_qtype:
            try:
                head = await reader.readexactly(2)
                first = head + await reader.readexactly(head[0] << 8 | head[1])
            except (OSError, asyncio.IncompleteReadError):
                writer.close()
                return
            if qtype_of(first[2:]) in self.a.drop_qtype:
                self.stats.dropped_in += 1
                writer.close()
                return
        try:
            ur, uw = await asyncio.open_connection(*self.a.upstream)
        except OSError:
            writer.close()
            return

        async def pipe(src, dst, delayed):
            try:
                while True:
                    data = await src.read(65536)
                    if not data:
                        break
                    if delayed:
                        d = self.delay()
                        if d > 0:
                            await asyncio.sleep(d)
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                try:
                    dst.close()
                except OSError:
                    pass

        if first:
            uw.write(first)
        await asyncio.gather(pipe(reader, uw, False), pipe(ur, writer, True))


async def main(args):
    loop = asyncio.get_running_loop()
    proxy = Proxy(args, loop)

    class Listen(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            proxy.from_client(data, addr)

    family = socket.AF_INET6 if ":" in args.listen[0] else socket.AF_INET
    proxy.listener, _ = await loop.create_datagram_endpoint(
        Listen, local_addr=args.listen, family=family)
    server = await asyncio.start_server(proxy.tcp_client, args.listen[0], args.listen[1],
                                        reuse_address=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.call_later(1.0, proxy.expire)
    if args.ready:
        open(args.ready, "w").close()
    await stop.wait()
    server.close()
    proxy.write_stats()
    print("lossy.py: " + proxy.stats.line(), file=sys.stderr)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="A lossy UDP proxy (and TCP relay) for DNS.")
    p.add_argument("--listen", type=hostport, required=True, help="ADDR:PORT")
    p.add_argument("--upstream", type=lambda t: hostport(t, 53), required=True,
                   help="ADDR[:PORT]")
    p.add_argument("--loss-in", type=share, default=0.0)
    p.add_argument("--loss-out", type=share, default=0.0)
    p.add_argument("--delay-ms", type=float, default=0.0)
    p.add_argument("--jitter-ms", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--idle-s", type=float, default=10.0)
    p.add_argument("--stats")
    p.add_argument("--ready")
    p.add_argument("--drop-qtype", type=int, action="append", default=[])
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass
    asyncio.run(main(a))
