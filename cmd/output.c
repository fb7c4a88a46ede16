/*
 * The record printers of `tlsa create`: rfc, generic, rdata, json and
 * nsupdate, each a row in the table at the end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"

static void owner_ttl(struct out_state *st, const struct out_rec *r)
{
	fputs(r->owner, st->fp);
	if (r->ttl >= 0)
		fprintf(st->fp, " %ld", r->ttl);
}

static int print_rfc(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_text(r->rec);

	if (text == NULL)
		return -1;
	owner_ttl(st, r);
	fprintf(st->fp, " IN TLSA %s\n", text);
	free(text);
	return 0;
}

static int print_generic(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_generic(r->rec);

	if (text == NULL)
		return -1;
	owner_ttl(st, r);
	fprintf(st->fp, " IN TYPE52 %s\n", text);
	free(text);
	return 0;
}

static int print_rdata(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_text(r->rec);

	if (text == NULL)
		return -1;
	fprintf(st->fp, "%s\n", text);
	free(text);
	return 0;
}

void json_string(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

void iso_time(time_t t, char buf[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_begin(struct out_state *st)
{
	fputs("[", st->fp);
}

static int print_json(struct out_state *st, const struct out_rec *r)
{
	tlsa_cert_info info;
	char *hex, when[21];

	hex = tlsa_hex_string(r->rec->data, r->rec->len);
	if (hex == NULL)
		return -1;
	fputs(st->count > 0 ? ",\n  {" : "\n  {", st->fp);
	fputs("\"owner\": ", st->fp);
	if (r->owner != NULL)
		json_string(st->fp, r->owner);
	else
		fputs("null", st->fp);
	if (r->ttl >= 0)
		fprintf(st->fp, ", \"ttl\": %ld", r->ttl);
	else
		fputs(", \"ttl\": null", st->fp);
	fprintf(st->fp, ", \"usage\": %u, \"selector\": %u, \"mtype\": %u, \"data\": \"%s\"",
		r->rec->usage, r->rec->selector, r->rec->mtype, hex);
	free(hex);
	if (r->file != NULL) {
		fputs(", \"file\": ", st->fp);
		json_string(st->fp, r->file);
		fprintf(st->fp, ", \"depth\": %zu", r->depth);
	}
	if (r->cert != NULL && tlsa_cert_info_get(r->cert, r->cert_len, &info) == TLSA_OK) {
		fputs(", \"subject\": ", st->fp);
		json_string(st->fp, info.subject);
		fputs(", \"issuer\": ", st->fp);
		json_string(st->fp, info.issuer);
		iso_time(info.not_after, when);
		fprintf(st->fp, ", \"notAfter\": \"%s\"", when);
		tlsa_cert_info_clear(&info);
	}
	fputs("}", st->fp);
	return 0;
}

static void json_end(struct out_state *st)
{
	fputs(st->count > 0 ? "\n]\n" : "]\n", st->fp);
}

/* nsupdate needs a TTL for additions; 3600 when none was given. */
static int print_nsupdate(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_text(r->rec);

	if (text == NULL)
		return -1;
	if (st->last_owner == NULL || strcmp(st->last_owner, r->owner) != 0) {
		fprintf(st->fp, "update delete %s TLSA\n", r->owner);
		free(st->last_owner);
		st->last_owner = strdup(r->owner);
		if (st->last_owner == NULL) {
			free(text);
			return -1;
		}
	}
	fprintf(st->fp, "update add %s %ld IN TLSA %s\n", r->owner, r->ttl >= 0 ? r->ttl : 3600L,
		text);
	free(text);
	return 0;
}

static void nsupdate_end(struct out_state *st)
{
	if (st->count > 0)
		fputs("send\n", st->fp);
}

static const struct out_format formats[] = {
	{ "rfc", 1, NULL, print_rfc, NULL },
	{ "generic", 1, NULL, print_generic, NULL },
	{ "rdata", 0, NULL, print_rdata, NULL },
	{ "json", 0, json_begin, print_json, json_end },
	{ "nsupdate", 1, NULL, print_nsupdate, nsupdate_end },
};

const struct out_format *out_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

void out_end(const struct out_format *fmt, struct out_state *st)
{
	if (fmt->end != NULL)
		fmt->end(st);
	free(st->last_owner);
	st->last_owner = NULL;
}
