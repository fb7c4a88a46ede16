#!/usr/bin/env python3
# The live lab's small TCP servers that no packaged daemon plays for us:
# direct-TLS listeners (HTTPS-like: TLS handshake, then one line back),
# NNTP with STARTTLS (RFC 4642; Debian has no news server small enough
# for a test) and "silent" listeners (accept, then never say a word, for
# timeout tests).  It owns nothing else: Postfix, Dovecot, Prosody, slapd,
# PostgreSQL and vsftpd serve the other protocols.
#
#   tlsd.py tls ADDR PORT CHAIN KEY [tls|starttls|silent ...]
#     (CHAIN and KEY may be comma-separated lists, pair by pair: a server
#     with several certificates, RSA and ECDSA side by side as nginx and
#     Postfix serve them, picks one by the client's signature algorithms)
#   tlsd.py starttls nntp ADDR PORT CHAIN KEY
#   tlsd.py silent ADDR PORT
#
# Runs in the foreground until SIGTERM; logs one line per event on stderr.
import signal
import socket
import ssl
import sys
import threading


def log(msg):
    sys.stderr.write("tlsd: %s\n" % msg)
    sys.stderr.flush()


def serve_tls(conn, peer, ctx, where):
    try:
        conn.settimeout(10)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            log("%s: TLS %s from %s" % (where, tls.version(), peer))
            try:
                tls.recv(4096)
                tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                            b"Connection: close\r\n\r\ntlsa lab\n")
            except (OSError, ssl.SSLError):
                pass
    except (OSError, ssl.SSLError) as e:
        log("%s: handshake with %s failed: %s" % (where, peer, e))
    finally:
        conn.close()


def nntp_session(stream, write, caps):
    # Answers CAPABILITIES, QUIT and (before TLS) STARTTLS; returns True
    # when the client asked for TLS and was told to go ahead.
    buf = b""
    while True:
        while b"\n" not in buf:
            data = stream.recv(4096)
            if not data:
                return False
            buf += data
            if len(buf) > 4096:
                return False
        line, buf = buf.split(b"\n", 1)
        cmd = line.strip().split(b" ")[0].upper()
        if cmd == b"CAPABILITIES":
            write(b"101 Capability list:\r\n" +
                  b"".join(c + b"\r\n" for c in caps) + b".\r\n")
        elif cmd == b"STARTTLS" and b"STARTTLS" in caps:
            write(b"382 Continue with TLS negotiation\r\n")
            return True
        elif cmd == b"QUIT":
            write(b"205 closing connection\r\n")
            return False
        else:
            write(b"500 Unknown command\r\n")


def serve_nntp(conn, peer, ctx, where):
    try:
        conn.settimeout(10)
        conn.sendall(b"200 tlsa lab NNTP service ready, posting allowed\r\n")
        if not nntp_session(conn, conn.sendall,
                            [b"VERSION 2", b"READER", b"STARTTLS"]):
            return
        with ctx.wrap_socket(conn, server_side=True) as tls:
            log("%s: NNTP STARTTLS, %s from %s" % (where, tls.version(), peer))
            nntp_session(tls, tls.sendall, [b"VERSION 2", b"READER"])
    except (OSError, ssl.SSLError) as e:
        log("%s: NNTP session with %s failed: %s" % (where, peer, e))
    finally:
        conn.close()


def serve_silent(conn, peer, where):
    # Hold the connection open without a banner until the client gives up.
    try:
        conn.settimeout(120)
        while conn.recv(4096):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def listen(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def accept_loop(sock, handler, where):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=handler, args=(conn, peer[0], where),
                         daemon=True).start()


def main(argv):
    args = list(argv)
    listeners = []
    while args:
        mode = args.pop(0)
        if mode == "tls" and len(args) >= 4:
            addr, port, chain, key = args[:4]
            del args[:4]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            for one_chain, one_key in zip(chain.split(","), key.split(",")):
                ctx.load_cert_chain(one_chain, one_key)
            where = "[%s]:%s" % (addr, port)
            handler = (lambda c, p, w, ctx=ctx: serve_tls(c, p, ctx, w))
        elif mode == "starttls" and len(args) >= 5 and args[0] == "nntp":
            addr, port, chain, key = args[1:5]
            del args[:5]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(chain, key)
            where = "[%s]:%s" % (addr, port)
            handler = (lambda c, p, w, ctx=ctx: serve_nntp(c, p, ctx, w))
        elif mode == "silent" and len(args) >= 2:
            addr, port = args[:2]
            del args[:2]
            where = "[%s]:%s" % (addr, port)
            handler = serve_silent
        else:
            log("usage: tlsd.py {tls ADDR PORT CHAIN KEY | "
                "starttls nntp ADDR PORT CHAIN KEY | silent ADDR PORT}...")
            return 2
        listeners.append((listen(addr, int(port)), handler, where))
        log("%s: listening (%s)" % (where, mode))
    for sock, handler, where in listeners:
        threading.Thread(target=accept_loop, args=(sock, handler, where),
                         daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
