/*
 * store-badges.h: what the badge generator reads from the database (the
 * event, attendees with their ticket type, role and sign-ups, the
 * programme) and writes to it (the print log, reissued pass codes).
 */
#ifndef STORE_BADGES_H
#define STORE_BADGES_H

#include "techtank.h"

struct badge_event {
	int64_t	 id;
	char	*name;
	char	*name_en;	/* "": none */
	char	*timezone;
	char	*venue;		/* "name, city" */
	time_t	 starts_at;
	time_t	 ends_at;
};

struct badge_person {
	int64_t	 id;
	char	*first_name;
	char	*last_name;
	char	*company;
	char	*ticket_type;
	char	*ticket_type_en;	/* "": none */
	char	*lang;		/* of the registration: "sv" or "en" */
	char	*role;		/* attendee, speaker, staff, organiser, exhibitor */
	char	*pass_code;
	char	*marks;		/* sign-ups for staff to see: "DINNER · VISIT" */
};

struct badge_people {
	size_t			 n;
	struct badge_person	*v;
};

/* Which attendees a print run takes. */
enum badge_select {
	BADGE_ALL,		/* every confirmed attendee */
	BADGE_ONLY_NEW,		/* confirmed and never printed */
	BADGE_IDS,		/* the ids given, whatever their status */
};

int store_badge_event(struct store *, int64_t event_id, struct badge_event *);
int64_t store_attendee_registration(struct store *, int64_t attendee_id,
	    int64_t *event_id);
void store_badge_event_clear(struct badge_event *);
int store_badge_people(struct store *, int64_t event_id, enum badge_select,
	    const int64_t *ids, size_t nids, struct badge_people *,
	    char **cause);
void store_badge_people_clear(struct badge_people *);
int store_badge_printed(struct store *, const struct badge_people *,
	    const char *layout);
int store_badge_prints_add(struct store *, const int64_t *ids, size_t n,
	    const char *layout, int64_t now);
#define BADGE_ID_UNKNOWN	1	/* no such attendee in the event */
#define BADGE_ID_UNCONFIRMED	2	/* waitlisted or cancelled: no tag */
int store_badge_ids_check(struct store *, int64_t event_id,
	    const int64_t *ids, size_t n, int64_t *bad);
int store_badge_counts(struct store *, int64_t event_id, int64_t *confirmed,
	    int64_t *not_printed);
char *store_pass_reissue(struct store *, int64_t attendee_id, char **cause);

#endif
