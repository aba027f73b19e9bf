/*
 * store-messages.h: an organiser's message to a segment of an event's
 * attendees (store-messages.c): who is in a segment, the outbox rows of a
 * message sent, and the text the mailer renders each one from.
 */
#ifndef STORE_MESSAGES_H
#define STORE_MESSAGES_H

#include "techtank.h"

#define MESSAGE_SUBJECT_MAX	150	/* characters */
#define MESSAGE_BODY_MAX	20000	/* characters, lines included */
#define MESSAGE_PREVIEW_MAX	10	/* recipients a preview names */

/* Whom a message goes to: a segment, and the row it names (or 0). */
struct message_segment {
	const char	*segment;	/* everyone, ticket_type, session,
					   not_checked_in */
	int64_t		 ticket_type_id;
	int64_t		 session_id;
};

/* One recipient: a confirmed attendee with an address. */
struct message_recipient {
	int64_t		 attendee_id;
	int64_t		 registration_id;
	const char	*first_name;
	const char	*last_name;
	const char	*email;
	const char	*lang;		/* of the registration */
	int		 is_contact;	/* also the registration's contact: the
					   link is the whole registration's */
};

/* The words of a message as the organiser wrote them. */
struct message_text {
	int64_t		 event_id;
	char		*subject, *subject_en;
	char		*body, *body_en;
};

int store_message_segment_check(struct store *, int64_t event,
	    const struct message_segment *, struct store_error *);
int64_t store_message_recipients(struct store *, int64_t event,
	    const struct message_segment *,
	    int (*fn)(void *, const struct message_recipient *), void *arg);
int64_t store_message_enqueue(struct store *, int64_t message_id,
	    int64_t event, const struct message_segment *);
int store_message_text(struct store *, int64_t message_id,
	    struct message_text *);
void store_message_text_clear(struct message_text *);
int store_message_by_key(struct store *, int64_t event, const char *key,
	    int64_t *id, char **hash);

#endif
