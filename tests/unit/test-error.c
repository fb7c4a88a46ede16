/*
 * error.c: the one error channel.  A failing call leaves its detail for
 * the calling thread; a call that records details clears them on entry;
 * each thread has its own record.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <tlsa.h>

#include "tap.h"

static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\n"
			      "MIIB\n"
			      "not base64 !\n"
			      "-----END CERTIFICATE-----\n";

/* Another thread's failure, with its own detail. */
static void *other_thread(void *arg)
{
	int *same = arg;

	*same = tlsa_owner_name_check("a..b") == TLSA_ERR_DNS_NAME &&
		strstr(tlsa_error_detail(), "empty label") != NULL && tlsa_error_line() == 0;
	return NULL;
}

int main(void)
{
	tlsa_input *in = NULL;
	pthread_t t;
	int same = 0;

	is_str(tlsa_error_detail(), "", "a thread starts with no detail");
	is_str(tlsa_error_file(), "", "and no file");
	is_int(tlsa_error_line(), 0, "and no line");

	is_int(tlsa_input_load((const unsigned char *)bad_pem, sizeof(bad_pem) - 1, TLSA_KIND_CERT,
			       NULL, &in),
	       TLSA_ERR_PEM_BASE64, "a PEM block with bad base64 fails");
	is_int(tlsa_error_line(), 3, "and the error record names its line");

	pthread_create(&t, NULL, other_thread, &same);
	pthread_join(t, NULL);
	ok(same, "another thread's failure has its own detail");
	is_int(tlsa_error_line(), 3, "and leaves this thread's record as it was");
	is_str(tlsa_error_detail(), "", "its empty detail too");

	is_int(tlsa_host_name_check("mail.example.org"), TLSA_OK, "a call that succeeds");
	is_int(tlsa_error_line(), 0, "clears the record it would have filled");
	is_str(tlsa_strerror(TLSA_ERR_PEM_BASE64), "bad base64 in PEM block",
	       "tlsa_strerror() is the status's phrase, beside the detail");
	return done_testing();
}
