/*
 * store-privacy.h: personal data as the GDPR expects (store-privacy.c).
 * What is stored about a person, as one JSON document; a person's or a
 * registration's erasure at their own request; an event's erasure, by
 * hand (with a dry run first) or once its period after the end is over.
 */
#ifndef STORE_PRIVACY_H
#define STORE_PRIVACY_H

#include "store-change.h"

/*
 * The dietary need an event's erasure leaves of a confirmed attendee
 * who had one: the caterer's total stays right, the words are gone. The
 * dashboard names it in the reader's language.
 */
#define STORE_DIETARY_ERASED	"(erased)"

/* store-privacy.c */
json_t *store_privacy_export(struct store *, const struct manage_link *,
	    int64_t now);
int store_privacy_delete(struct store *, const struct manage_link *,
	    int64_t now, struct store_error *);
json_t *store_privacy_event(struct store *, int64_t event, int dry_run,
	    const struct staff *, const char *address, int64_t now,
	    struct store_error *);
int store_privacy_due(struct store *, int64_t now, int64_t **events,
	    size_t *n);

#endif
