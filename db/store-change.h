/*
 * store-change.h: changes to a registration after it was made, by the
 * holders of its manage links (until the event's change deadline) and by
 * organisers (at any time): edit an attendee or the contact, cancel one
 * attendee or all, add a colleague, choose their sessions. One set of
 * operations for both sides, each inside the writer's transaction and
 * audited.
 */
#ifndef STORE_CHANGE_H
#define STORE_CHANGE_H

#include "techtank.h"
#include "store-door.h"

/* What a manage link opens: a registration, or one attendee of it. */
struct manage_link {
	int64_t	registration;
	int64_t	attendee;	/* a personal link's; 0: the contact's */
};

/* Who makes a change, for the rules that hold and the audit log. */
struct change_by {
	const struct staff	*staff;		/* NULL: a link's holder */
	struct manage_link	 link;		/* a link's holder: theirs */
	const char		*address;
	int64_t			 now;
};

/* The username of the audit log's rows of changes made through a link. */
#define CHANGE_BY_ATTENDEE	"attendee"

/* store-change.c */
int store_manage_link(struct store *, const char *token,
	    struct manage_link *);
json_t *store_manage_json(struct store *, const struct manage_link *);
json_t *store_change_attendee_json(struct store *, int64_t id);
json_t *store_change_contact_json(struct store *, int64_t registration);
int store_change_attendee(struct store *, const struct change_by *,
	    int64_t id, int64_t version, const struct reg_person *,
	    struct store_error *);
int store_change_contact(struct store *, const struct change_by *,
	    int64_t registration, int64_t version, const struct reg_person *,
	    struct store_error *);
int store_change_cancel(struct store *, const struct change_by *,
	    int64_t id, struct store_error *);
int store_change_cancel_all(struct store *, const struct change_by *,
	    int64_t registration, struct store_error *);
int store_change_withdraw(struct store *, const struct manage_link *,
	    int64_t now);
int64_t store_change_add(struct store *, const struct change_by *,
	    int64_t registration, const struct reg_person *,
	    struct store_error *);
int store_change_sessions(struct store *, const struct change_by *,
	    int64_t id, const int64_t *sessions, size_t n,
	    struct store_error *);

#endif
