#!/usr/bin/env python3
# Hostile and broken servers for tests/cli/hostile.sh: one behaviour per
# process, named by the first argument.  Loopback only (the test runs in a
# network namespace of its own); standard library only.
#
#   hostile.py MODE ADDR PORT [CERT KEY]      (ADDR IPv4 or IPv6)
#
# TCP modes (SMTP-like dialogue where one is needed):
#   silent     accept, then say nothing
#   mute       accept, read whatever comes, never answer (for protocols
#              where the client speaks first: XMPP, LDAP, PostgreSQL)
#   slow       send the greeting one byte per second
#   endless    send a greeting line that never ends (no newline, forever)
#   bigline    send a 1 MB greeting line, then wait
#   refuse454  answer STARTTLS with 454
#   refuse502  answer STARTTLS with 502
#   garbage    accept STARTTLS, then send garbage instead of a TLS handshake
#   alert      direct TLS: answer the ClientHello with a fatal alert
#   midclose   direct TLS: send half a ServerHello record, then close
#   stall      direct TLS: send half a ServerHello record, then wait
#   tls        direct TLS with CERT (a chain file) and KEY
# DNS mode (UDP and TCP on the same port, AD set on every answer):
#   dns        answers for _PORT._tcp.LABEL.test by LABEL: see dns_answer()
#              and dns_special() (lossy, TCP-only, non-validating peers)
#   (the TLSA data of the good record comes from the file CERT here: one
#   line of hex)
#   blackhole  UDP and TCP bound, nothing ever read or answered
import os
import socket
import ssl
import struct
import sys
import threading
import time

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
extra = sys.argv[4:]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv_line(c):
    b = b""
    while not b.endswith(b"\n"):
        d = c.recv(1)
        if not d:
            raise EOFError
        b += d
        if len(b) > 4096:
            raise EOFError
    return b.strip().upper()


def smtp_to_starttls(c):
    """Greet, answer EHLO offering STARTTLS, read the STARTTLS command."""
    c.sendall(b"220 host.test ESMTP hostile\r\n")
    recv_line(c)
    c.sendall(b"250-host.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
    return recv_line(c)


def read_client_hello(c):
    hdr = b""
    while len(hdr) < 5:
        d = c.recv(5 - len(hdr))
        if not d:
            raise EOFError
        hdr += d
    n = struct.unpack("!H", hdr[3:5])[0]
    while n > 0:
        d = c.recv(min(n, 65536))
        if not d:
            raise EOFError
        n -= len(d)


# The start of a TLS 1.2 ServerHello record that announces 80 bytes and
# delivers 10 of them.
HALF_HELLO = b"\x16\x03\x03\x00\x50" + b"\x02\x00\x00\x4c\x03\x03" + b"\x00" * 4


def serve_tcp(c, ctx):
    c.settimeout(60)
    if mode == "silent":
        c.recv(1)
    elif mode == "mute":
        while c.recv(4096):
            pass
    elif mode == "slow":
        for ch in b"220 host.test ESMTP slowly\r\n":
            c.sendall(bytes([ch]))
            time.sleep(1)
    elif mode == "endless":
        c.sendall(b"220 ")
        chunk = b"a" * 65536
        while True:
            c.sendall(chunk)
    elif mode == "bigline":
        c.sendall(b"220 " + b"b" * (1 << 20) + b"\r\n")
        c.recv(1)
    elif mode in ("refuse454", "refuse502"):
        smtp_to_starttls(c)
        c.sendall(b"454 4.7.0 TLS not available\r\n" if mode == "refuse454"
                  else b"502 5.5.1 not implemented\r\n")
        c.recv(1)
    elif mode == "garbage":
        smtp_to_starttls(c)
        c.sendall(b"220 2.0.0 go ahead\r\n")
        c.sendall(b"this is not a TLS handshake at all\r\n" * 20)
        c.recv(1)
    elif mode == "alert":
        read_client_hello(c)
        c.sendall(b"\x15\x03\x03\x00\x02\x02\x28")  # fatal handshake_failure
        c.recv(1)
    elif mode == "midclose":
        read_client_hello(c)
        c.sendall(HALF_HELLO)
    elif mode == "stall":
        read_client_hello(c)
        c.sendall(HALF_HELLO)
        c.recv(1)
    elif mode == "tls":
        s = ctx.wrap_socket(c, server_side=True)
        s.recv(1)


def tcp_main():
    ctx = None
    if mode == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(extra[0], extra[1])
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)
    while True:
        c, _ = ls.accept()

        def run(c=c):
            try:
                serve_tcp(c, ctx)
            except Exception:
                pass
            finally:
                c.close()
        threading.Thread(target=run, daemon=True).start()


# ---- DNS --------------------------------------------------------------------

def qname_labels(msg):
    labels, i = [], 12
    while msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return labels, qtype, msg[12:i + 5]


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def packet(qid, question, records, tc=False, ad=True, signer=None):
    """An answer of TLSA records; with signer, an RRSIG over them too (its
    signature is junk: only a validator could tell)."""
    flags = 0x8000 | 0x0100 | 0x0080 | (0x0020 if ad else 0) | (0x0200 if tc else 0)
    n = len(records) + (1 if signer and records else 0)
    out = struct.pack("!HHHHHH", qid, flags, 1, n, 0, 0) + question
    for rdata in records:
        out += struct.pack("!HHHIH", 0xC00C, 52, 1, 300, len(rdata)) + rdata
    if signer and records:
        rd = struct.pack("!HBBIIIH", 52, 13, 4, 300, 0x7F000000, 0x60000000, 0x1234)
        rd += wire_name(signer) + b"\x5a" * 64
        out += struct.pack("!HHHIH", 0xC00C, 46, 1, 300, len(rd)) + rd
    return out


def tlsa_rdata(hexdata, usage=3, selector=1, mtype=1):
    return bytes([usage, selector, mtype]) + bytes.fromhex(hexdata)


def dns_answer(labels, qtype, tcp):
    """(records, truncate, decoys): what to answer, and whether over UDP
    the answer is a bare TC=1 header or comes after decoy replies."""
    good = open(extra[0]).read().strip()
    other = "ab" * 32
    if qtype != 52 or len(labels) < 4 or labels[1] != "_tcp":
        return [], False, None
    what = labels[2]
    if what == "silent":
        return None, False, None
    # Two keys published (the one in use and a spare), so that a match is
    # OK, not a WARNING for want of a rollover key.
    pair = [tlsa_rdata(good), tlsa_rdata(other)]
    if what == "good":
        return pair, False, None
    if what == "tc":  # the data only over TCP
        return pair, not tcp, None
    if what in ("wrongid", "wrongsrc", "wrongonly"):
        return pair, False, what
    if what == "thousand":  # 999 that match nothing, then the good one
        recs = [tlsa_rdata("%064x" % (i + 1)) for i in range(999)]
        return recs + [tlsa_rdata(good)], not tcp, None
    if what == "malformed":  # a record of two bytes (no matching type)
        return [b"\x03\x01"], False, None
    if what == "malformedplus":  # the same, next to a good record
        return [b"\x03\x01"] + pair, False, None
    return [tlsa_rdata(other)], False, None


DROPPED = {}


def dns_special(qid, labels, qtype, question, tcp):
    """Lossy, TCP-only and non-validating peers (issue 11), by the host's
    label: the packet to send, "silent" for none, or None to let
    dns_answer() decide.
      drop3       the first three UDP datagrams of each TLSA question are
                  lost, then they are answered (TCP stays silent)
      tcponly     TLSA only over TCP
      rrsig       TLSA with an RRSIG by rrsig.test. but no AD, and no AD on
                  the DS of rrsig.test. either: a server that does not
                  validate (an authoritative one, or a forwarder that
                  strips AD)
      aaaasilent  AAAA queries are never answered (A: NODATA)"""
    if qtype == 52 and len(labels) >= 4:
        what = labels[2]
    else:
        what = labels[0] if labels else ""
    good = open(extra[0]).read().strip()
    pair = [tlsa_rdata(good), tlsa_rdata("ab" * 32)]
    if what == "drop3" and qtype == 52:
        if tcp:
            return "silent"
        n = DROPPED.get(question, 0)
        DROPPED[question] = n + 1
        return "silent" if n < 3 else packet(qid, question, pair)
    if what == "tcponly" and qtype == 52:
        return packet(qid, question, pair) if tcp else "silent"
    if what == "rrsig" and qtype == 43:
        return packet(qid, question, [], ad=False)
    if what == "rrsig" and qtype == 52:
        return packet(qid, question, pair, ad=False, signer="rrsig.test.")
    if what == "aaaasilent" and qtype == 28:
        return "silent"
    return None


def dns_udp(s):
    # Decoys come from another loopback address.
    s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s2.bind(("127.0.0.2", 0))
    while True:
        msg, peer = s.recvfrom(4096)
        try:
            qid = struct.unpack("!H", msg[:2])[0]
            labels, qtype, question = qname_labels(msg)
            special = dns_special(qid, labels, qtype, question, False)
            if special is not None:
                if special != "silent":
                    s.sendto(special, peer)
                continue
            recs, tc, decoy = dns_answer(labels, qtype, False)
            if recs is None:
                continue
            if tc:
                s.sendto(packet(qid, question, [], tc=True), peer)
                continue
            bad = [tlsa_rdata("cd" * 32)]
            if decoy in ("wrongid", "wrongonly"):
                s.sendto(packet(qid ^ 0x5a5a, question, bad), peer)
            elif decoy == "wrongsrc":
                s2.sendto(packet(qid, question, bad), peer)
            if decoy == "wrongonly":
                continue
            if decoy:
                time.sleep(0.2)
            s.sendto(packet(qid, question, recs), peer)
        except Exception:
            pass


def dns_tcp_conn(c):
    try:
        c.settimeout(10)
        while True:
            hdr = c.recv(2)
            if len(hdr) < 2:
                return
            n = struct.unpack("!H", hdr)[0]
            msg = b""
            while len(msg) < n:
                d = c.recv(n - len(msg))
                if not d:
                    return
                msg += d
            qid = struct.unpack("!H", msg[:2])[0]
            labels, qtype, question = qname_labels(msg)
            special = dns_special(qid, labels, qtype, question, True)
            if special is not None:
                if special != "silent":
                    c.sendall(struct.pack("!H", len(special)) + special)
                continue
            recs, _, decoy = dns_answer(labels, qtype, True)
            if recs is None or decoy == "wrongonly":
                continue
            p = packet(qid, question, recs)
            c.sendall(struct.pack("!H", len(p)) + p)
    except Exception:
        pass
    finally:
        c.close()


def dns_main():
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.bind((addr, port))
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)
    if mode == "blackhole":
        while True:
            time.sleep(60)
    threading.Thread(target=dns_udp, args=(udp,), daemon=True).start()
    while True:
        c, _ = ls.accept()
        threading.Thread(target=dns_tcp_conn, args=(c,), daemon=True).start()


if __name__ == "__main__":
    # Never outlive a test that was killed before it could stop us.
    threading.Timer(900, os._exit, (0,)).start()
    sys.stdout.close()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    dns_main() if mode in ("dns", "blackhole") else tcp_main()
