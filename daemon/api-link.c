/*
 * api-link.c: "send me my link", for anyone who lost theirs.
 *
 *	POST /api/v1/link	{"email": "..."}: 202 {"queued": true}
 *
 * If the address is a live registration's contact or attendee of the
 * current event, the private link is written to the outbox
 * (store_outbox_link_request()), in the registration's language. The
 * answer is the same whether or not it is: the look-up always runs on
 * the writer, so a known address does not answer sooner or later than
 * an unknown one. Asking is limited per address and per client
 * (http_client_address(), behind a trusted proxy the forwarded one): 429
 * with Retry-After beyond LINK_PER_ADDRESS or LINK_PER_CLIENT in
 * LINK_WINDOW_SECS. The limiter is a fixed table of LINK_SLOTS counters
 * keyed by a keyed hash: bounded whatever the number of addresses.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "techtankd.h"

#define LINK_WINDOW_SECS	900	/* the limits' window: 15 minutes */
#define LINK_PER_ADDRESS	3	/* mails asked for one address */
#define LINK_PER_CLIENT		20	/* asks from one client address */
#define LINK_SLOTS		8192	/* counters kept, at most */
#define LINK_PROBE		8	/* slots looked at per key */

struct link_slot {
	uint64_t	key;		/* 0: free */
	int64_t		start;		/* of its window */
	int		count;
};

static struct {
	pthread_mutex_t		lock;
	int			keyed;
	unsigned char		secret[crypto_shorthash_KEYBYTES];
	struct link_slot	v[LINK_SLOTS];
} limits = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t
link_key(const char *scope, const char *what)
{
	unsigned char		 h[crypto_shorthash_BYTES];
	char			*s;
	uint64_t		 k;

	xasprintf(&s, "%s:%s", scope, what);
	crypto_shorthash(h, (const unsigned char *)s, strlen(s),
	    limits.secret);
	free(s);
	memcpy(&k, h, sizeof k);
	return k != 0 ? k : 1;
}

/*
 * Count one ask for key, if it is below max in its window: 0, or the
 * seconds until it may ask again. Called with the lock held. A key not
 * kept takes a free or expired slot of its probe run, else the oldest:
 * forgetting a counter lets someone ask again sooner, never later.
 */
static int64_t
link_count(uint64_t key, int max, int64_t now, int dry)
{
	struct link_slot	*slot = NULL, *oldest = NULL, *e;
	size_t			 at = key % LINK_SLOTS;

	for (size_t i = 0; i < LINK_PROBE; i++) {
		e = &limits.v[(at + i) % LINK_SLOTS];
		if (e->key == key) {
			slot = e;
			break;
		}
		/* Free first, then the one whose window began longest ago. */
		if (oldest == NULL || (oldest->key != 0 && (e->key == 0 ||
		    e->start < oldest->start)))
			oldest = e;
	}
	if (slot == NULL) {
		if (dry)
			return 0;
		slot = oldest;
		slot->key = key;
		slot->start = now;
		slot->count = 0;
	}
	if (now - slot->start >= LINK_WINDOW_SECS) {
		slot->start = now;
		slot->count = 0;
	}
	if (slot->count >= max)
		return slot->start + LINK_WINDOW_SECS - now;
	if (!dry)
		slot->count++;
	return 0;
}

/* 0 when this ask may go on (and is counted), else seconds to wait. */
static int64_t
link_admit(const char *email_norm, const char *client)
{
	int64_t		now = (int64_t)time(NULL), wait;
	uint64_t	ka, kc;

	pthread_mutex_lock(&limits.lock);
	if (!limits.keyed) {
		randombytes_buf(limits.secret, sizeof limits.secret);
		limits.keyed = 1;
	}
	ka = link_key("address", email_norm);
	kc = link_key("client", client);
	/* Both are checked before either counts: a refused ask costs none. */
	if ((wait = link_count(kc, LINK_PER_CLIENT, now, 1)) == 0 &&
	    (wait = link_count(ka, LINK_PER_ADDRESS, now, 1)) == 0) {
		link_count(kc, LINK_PER_CLIENT, now, 0);
		link_count(ka, LINK_PER_ADDRESS, now, 0);
	}
	pthread_mutex_unlock(&limits.lock);
	return wait;
}

static int
link_run(struct store *st, struct job *job)
{
	int64_t	event = store_current_event(st);

	/* No event: nothing to send, and the same answer. */
	if (event < 0)
		return event == -1 ? 0 : -1;
	if (store_outbox_link_request(st, event, job->data) != 0) {
		store_error_set(&job->err, 500, "internal",
		    "the request could not be saved");
		return -1;
	}
	return 0;
}

static void
link_done(struct job *job)
{
	http_reply_json(job->hr, 202, json_pack("{s:b}", "queued", 1));
}

static const struct job_type link_job = {
	.name = "link_request",
	.run = link_run,
	.done = link_done,
};

static void
refuse(struct http_req *hr, const char *code, const char *field)
{
	http_reply_error(hr, 422, code, "give the email address you "
	    "registered with", json_pack("{s:s}", "email", field));
}

static void
api_link(struct http_req *hr)
{
	const unsigned char	*bytes;
	const char		*email;
	char			 client[64], retry[24], *norm;
	json_t			*body, *v;
	size_t			 len;
	int64_t			 wait;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	v = json_object_get(body, "email");
	if (v == NULL) {
		refuse(hr, "validation_failed", "required");
		goto out;
	}
	if (!json_is_string(v)) {
		refuse(hr, "validation_failed", "invalid");
		goto out;
	}
	email = json_string_value(v);
	if (json_string_length(v) > EMAIL_MAX_BYTES) {
		refuse(hr, "validation_failed", "too_long");
		goto out;
	}
	/* A line break in an address would be a header of the mail. */
	if (strlen(email) != json_string_length(v) ||
	    strpbrk(email, "\r\n") != NULL) {
		refuse(hr, "header_injection", "invalid");
		goto out;
	}
	if (validate_email(email) != NULL ||
	    (norm = email_normalise(email)) == NULL) {
		refuse(hr, "validation_failed", "invalid");
		goto out;
	}
	http_client_address(hr, client, sizeof client);
	if ((wait = link_admit(norm, client)) > 0) {
		free(norm);
		snprintf(retry, sizeof retry, "%lld", (long long)wait);
		http_header(hr, "Retry-After", retry);
		http_reply_error(hr, 429, "too_many_requests", "too many "
		    "requests for a link: try again later", NULL);
		goto out;
	}
	job_submit(hr, &link_job, norm, free);
out:
	json_decref(body);
}

const struct route api_link_routes[] = {
	{ .path = "/api/v1/link", .methods = M_POST, .handler = api_link },
	{ .path = NULL }
};
