/*
 * store-attendee-ops.h: what an organiser does to one attendee beyond
 * editing their fields: promote them from the waitlist, move them to
 * another ticket type, give them a new pass, or hand their ticket to
 * another person (store-attendee-ops.c).
 */
#ifndef STORE_ATTENDEE_OPS_H
#define STORE_ATTENDEE_OPS_H

#include "resource.h"

enum attendee_op_kind {
	ATTENDEE_PROMOTE,	/* waitlisted to confirmed */
	ATTENDEE_MOVE,		/* to another ticket type of the event */
	ATTENDEE_REISSUE,	/* a new pass code, the tag to reprint */
	ATTENDEE_SUBSTITUTE,	/* another person takes the ticket */
};

struct attendee_op {
	enum attendee_op_kind	 kind;
	int64_t			 id;
	int64_t			 version;	/* the one the organiser read */
	int64_t			 ticket_type;	/* move: the new one */
	int			 waitlist;	/* move: onto a full type's list */
	int			 beyond_quota;	/* promote: raise a full quota */
	struct reg_person	 person;	/* substitute: who takes it */
};

const char *attendee_op_verb(enum attendee_op_kind);
int store_attendee_op(struct store *, const struct resource *,
	    const struct attendee_op *, const struct audit_ctx *,
	    struct store_error *);
char *store_pass_renew(struct store *, int64_t attendee_id);

#endif
