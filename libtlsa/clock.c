/*
 * The clock of the network steps: the monotonic time their deadlines are
 * counted in, and a timeout written for a message.  A leaf: starttls.c
 * and verify.c both use it, and it uses neither.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "net-internal.h"

long long tlsa_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tlsa_duration(int ms, char buf[32])
{
	if (ms % 1000 == 0)
		snprintf(buf, 32, "%d s", ms / 1000);
	else
		snprintf(buf, 32, "%d ms", ms);
}
