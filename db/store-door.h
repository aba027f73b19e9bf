/*
 * store-door.h: staff accounts, their sessions, login throttling, the
 * audit log, and check-ins at the door.
 */
#ifndef STORE_DOOR_H
#define STORE_DOOR_H

#include "techtank.h"

#define STAFF_SESSION_TTL	(12 * 3600)	/* a working day at the door */
#define SCAN_NONCE_TTL		(7 * 86400)	/* a scan retried after this is new */
/*
 * Login throttling: failures within LOGIN_WINDOW, counted three ways, so
 * that a guesser at one address can neither lock a colleague out nor guess
 * without bound (store_login_wait; auth.c counts attempts in flight).
 * - Per account and address: one person mistyping, or one guesser at one
 *   account; 5 leaves room for typos. It is the only limit a guesser at
 *   another address can use up for an account.
 * - Per address, over all accounts: one guesser trying many names; 20
 *   leaves room for a door team logging in behind one router.
 * - Per account, over all addresses: the backstop against guessing from
 *   many addresses, at most 100 guesses per 15 minutes at one account.
 *   Locking a colleague out that way takes 20 addresses (100 / 5) within
 *   the window, not a handful of requests.
 */
#define LOGIN_WINDOW		(15 * 60)	/* failures counted this long */
#define LOGIN_MAX_PER_PAIR	5
#define LOGIN_MAX_PER_ADDRESS	20
#define LOGIN_MAX_PER_ACCOUNT	100
enum login_scope { LOGIN_PAIR, LOGIN_ADDRESS, LOGIN_ACCOUNT, LOGIN_SCOPES };
#define STAFF_TOKEN_LEN		52		/* 256 random bits, base32 */
#define PASSWORD_MIN		10		/* characters */
#define PASSWORD_GENERATED	20		/* base32: 100 random bits */
/* OWASP's minimum for argon2id: 19 MiB of memory, 2 passes. */
#define PWHASH_OPS		2
#define PWHASH_MEM		(19 * 1024 * 1024)

struct staff {
	int64_t	 id;
	int64_t	 session;		/* staff_sessions.id of the one in use */
	char	 name[64];
	char	 role[16];		/* door, organiser */
	char	 csrf[STAFF_TOKEN_LEN + 1];	/* of the session in use */
};

/* store-staff.c */
int staff_name_ok(const char *);
int store_user_add(struct store *, const char *name, const char *role,
	    const char *password, char **cause);
int store_user_disable(struct store *, const char *name, char **cause);
json_t *store_user_list(struct store *);
int store_user_for_login(struct store *, const char *name, struct staff *,
	    char **hash);
int store_login_wait(struct store *, const char *name, const char *address,
	    const int inflight[LOGIN_SCOPES], int64_t now);
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

/* scan-input.c */
#define SCAN_CODE_MAX	64
#define SCAN_NONCE_MAX	64
struct scan_input {
	const char	*code;		/* or */
	int64_t		 attendee_id;
	const char	*checkpoint;
	const char	*nonce;		/* may be NULL */
};
json_t *scan_parse(json_t *body, struct scan_input *);

/* store-checkin.c */
json_t *store_checkpoints(struct store *, int64_t event_id);
int64_t store_checkpoint_parse(const char *);
enum store_step store_signed_up(struct store *, int64_t attendee,
	    int64_t session);
int store_checkpoint_valid(struct store *, int64_t event_id, const char *);
json_t *store_checkin(struct store *, const struct staff *, const char *code,
	    int64_t attendee_id, const char *checkpoint, const char *nonce,
	    const char *address, int64_t now);
int store_checkin_undo(struct store *, const struct staff *, int64_t id,
	    const char *address, int64_t now);
json_t *store_checkin_stats(struct store *, int64_t event_id);

/* store-dashboard.c */
json_t *store_dashboard_json(struct store *, int64_t event_id);
/* store-search.c */
json_t *store_attendee_search(struct store *, int64_t event_id,
	    const char *query, const char *checkpoint);

#endif
