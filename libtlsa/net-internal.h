/*
 * Private to libtlsa: the clock and the bounded wait that every network
 * step shares (clock.c defines the clock, starttls.c the wait; verify.c
 * uses them too).  Not installed.
 */
#ifndef TLSA_NET_INTERNAL_H
#define TLSA_NET_INTERNAL_H

/* Milliseconds on the monotonic clock. */
long long tlsa_now_ms(void);

/* A timeout for messages: "10 s" or "250 ms". */
void tlsa_duration(int ms, char buf[32]);

/*
 * Wait until fd is ready for events (POLLIN, POLLOUT) or the deadline
 * (tlsa_now_ms() time) passes: 1 ready, 0 deadline passed, -1 error.
 */
int tlsa_wait_fd(int fd, short events, long long deadline);

#endif
