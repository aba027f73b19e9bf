/*
 * store-door.h: staff accounts, their sessions, login throttling, the
 * audit log, and check-ins at the door.
 */
#ifndef STORE_DOOR_H
#define STORE_DOOR_H

#include "techtank.h"

#define STAFF_SESSION_TTL	(12 * 3600)	/* a working day at the door */
#define LOGIN_WINDOW		(15 * 60)	/* failures counted this long */
#define LOGIN_MAX_PER_USER	5
#define LOGIN_MAX_PER_ADDRESS	20
#define STAFF_TOKEN_LEN		52		/* 256 random bits, base32 */
/* OWASP's minimum for argon2id: 19 MiB of memory, 2 passes. */
#define PWHASH_OPS		2
#define PWHASH_MEM		(19 * 1024 * 1024)

struct staff {
	int64_t	 id;
	char	 name[64];
	char	 role[16];		/* door, organiser */
	char	 csrf[STAFF_TOKEN_LEN + 1];	/* of the session in use */
};

/* store-staff.c */
int store_user_add(struct store *, const char *name, const char *role,
	    const char *password, char **cause);
int store_user_disable(struct store *, const char *name, char **cause);
json_t *store_user_list(struct store *);
int store_user_for_login(struct store *, const char *name, struct staff *,
	    char **hash);
int store_login_throttled(struct store *, const char *name,
	    const char *address, int64_t now, int *wait);
int store_login_failed(struct store *, const char *name, const char *address,
	    int64_t now);
int store_session_create(struct store *, const struct staff *,
	    const char *address, char token[STAFF_TOKEN_LEN + 1],
	    char csrf[STAFF_TOKEN_LEN + 1], int64_t now);
int store_session_delete(struct store *, const char *token);
int store_session_find(struct store *, const char *token, int64_t now,
	    struct staff *, char csrf[STAFF_TOKEN_LEN + 1]);
int store_audit(struct store *, const struct staff *, const char *username,
	    const char *action, const char *detail, const char *address,
	    int64_t now);

/* store-checkin.c */
json_t *store_checkpoints(struct store *, int64_t event_id);
int store_checkpoint_valid(struct store *, int64_t event_id, const char *);
json_t *store_checkin(struct store *, const struct staff *, const char *code,
	    int64_t attendee_id, const char *checkpoint, const char *nonce,
	    const char *address, int64_t now);
int store_checkin_undo(struct store *, const struct staff *, int64_t id,
	    const char *address, int64_t now);
json_t *store_checkin_stats(struct store *, int64_t event_id);
json_t *store_attendee_search(struct store *, int64_t event_id,
	    const char *query);

#endif
