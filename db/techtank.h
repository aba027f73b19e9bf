/*
 * techtank.h: the shared core of the Techtank Conference system: memory and
 * logging helpers, text validation, tokens, time zones and time formatting,
 * and the SQLite data-access layer. Linked by techtankd, the unit tests and
 * the badge generator. Grouped by the file that defines each function.
 */
#ifndef TECHTANK_H
#define TECHTANK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#define TT_PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))

/* A text column as a C string. */
#define COL_TEXT(s, i) ((const char *)sqlite3_column_text((s), (i)))

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) TT_PRINTFLIKE(2, 3);

/* log.c */
void log_init(const char *progname);
const char *log_name(void);
void log_info(const char *, ...) TT_PRINTFLIKE(1, 2);
void log_warn(const char *, ...) TT_PRINTFLIKE(1, 2);
void log_warnx(const char *, ...) TT_PRINTFLIKE(1, 2);
__attribute__((noreturn)) void fatal(const char *, ...) TT_PRINTFLIKE(1, 2);
__attribute__((noreturn)) void fatalx(const char *, ...) TT_PRINTFLIKE(1, 2);

/* validate.c */
#define NAME_MAX_CHARS	100
#define EMAIL_MAX_BYTES	254
#define PHONE_MAX_CHARS	40
int utf8_valid(const char *, size_t);
size_t utf8_count(const char *);
int text_has_control(const char *);
char *text_trim(const char *);
const char *text_clean(const char *, size_t len, char **out);
const char *text_clean_lines(const char *, size_t len, char **out);

/* filename.c */
char *filename_stem(const char *, int ascii);
const char *validate_name(const char *);
const char *validate_email(const char *);
const char *validate_phone(const char *);
const char *validate_optional(const char *, size_t max_chars);
char *email_normalise(const char *);
char *text_map(const char *, int utf8proc_options,
	    int32_t (*)(int32_t, void *));

/* fold.c: the search fold and the Swedish sort key */
#define FOLD_VERSION	1	/* raise when either changes: keys are remade */
char *text_fold(const char *);
char *text_fold_char(const char *, size_t);
int text_fold_words(const char *, char **buf, char **words, int max);
char *text_sort_key(const char *const *parts, size_t nparts);
int text_key_has_words(const char *key, size_t klen, const char *words,
	    size_t wlen);

/* jsonw.c: JSON written as text, as json_dumps(JSON_COMPACT) writes it */
struct jsonw {
	char	*buf;
	size_t	 len, size;
	int	 sep;		/* a value came before: a comma is due */
};
void jsonw_init(struct jsonw *);
void jsonw_free(struct jsonw *);
char *jsonw_take(struct jsonw *);
void jsonw_open(struct jsonw *, char);
void jsonw_close(struct jsonw *, char);
void jsonw_key(struct jsonw *, const char *);
void jsonw_str(struct jsonw *, const char *);
void jsonw_int(struct jsonw *, int64_t);
void jsonw_bool(struct jsonw *, int);
void jsonw_null(struct jsonw *);

/* token.c */
/*
 * Tokens start with the row id they name (TOKEN_ID_CHARS of base32) so that
 * new ones land next to each other in their unique index, which keeps the
 * pages a group commit writes few; the random part makes them unguessable.
 */
#define TOKEN_ID_CHARS 6	/* ids below 2^30 */
#define TOKEN_MANAGE_RANDOM 26	/* 130 bits of base32, 128 of them random */
#define TOKEN_MANAGE_LEN (TOKEN_ID_CHARS + TOKEN_MANAGE_RANDOM)
#define PASS_RANDOM_CHARS 20	/* 100 random bits */
#define PASS_BODY_CHARS (TOKEN_ID_CHARS + PASS_RANDOM_CHARS)
/*
 * The code in a hidden ticket type's invitation link: random only, never
 * the id, so that one link tells nothing about another.
 */
#define INVITATION_CODE_CHARS 24	/* 120 random bits of base32 */
void token_manage(int64_t id, char out[TOKEN_MANAGE_LEN + 1]);
char *token_pass_code(const char *prefix, int64_t id);
int token_pass_code_valid(const char *);
char *token_pass_code_normalise(const char *);
int token_manage_valid(const char *);
int token_invitation_valid(const char *, size_t len);
void token_random(char *, size_t nchars);
char token_check_char(const char *, size_t);

/* tzfile.c: time zones from the system's TZif files */
struct tzfile;
const struct tzfile *tzfile_get(const char *name);
struct tzfile *tzfile_parse(const unsigned char *, size_t);
void tzfile_free(struct tzfile *);
void tzfile_local(const struct tzfile *, int64_t t, long *utoff,
	    int *isdst);
#define TZFILE_NAME_MAX	16	/* of an abbreviation, "CEST" */
/* A yearly change of offset: wday (0 Sunday) of week (-1 the last). */
struct tzfile_change {
	int	 month, week, wday;
	int	 mday;			/* its day in 1970 */
	int32_t	 secs;			/* local time of day, before it */
	long	 from, to;		/* seconds east of UTC */
	char	 name[TZFILE_NAME_MAX];	/* of the time after it */
};
struct tzfile_rule {
	long			 std_off;
	char			 std_name[TZFILE_NAME_MAX];
	struct tzfile_change	 to_dst, to_std;
};
int tzfile_rule(const struct tzfile *, struct tzfile_rule *);

/* gzip.c */
int gzip_accepted(const char *accept_encoding);
unsigned char *gzip_compress(const void *, size_t, size_t *out_len);
struct gzip_deflater;
struct gzip_part {
	unsigned char	*z;		/* raw deflate */
	size_t		 zlen;
	uint32_t	 crc;		/* of the text */
	size_t		 len;
};
struct gzip_deflater *gzip_deflater_create(void);
void gzip_deflater_free(struct gzip_deflater *);
int gzip_part_make(struct gzip_deflater *, const void *, size_t, int last,
	    struct gzip_part *);
unsigned char *gzip_parts_join(const struct gzip_part *, size_t,
	    size_t *out_len);

/* timefmt.c: 0, or -1 when the zone is unknown and UTC is shown */
int timefmt_iso(time_t, const char *zone, char out[32]);
int timefmt_date(time_t, const char *zone, char out[16]);
int timefmt_local(time_t, const char *zone, struct tm *);
int64_t timefmt_now_usec(void);
int timefmt_parse_iso(const char *, int64_t *);

/* reg-input.c: a registration request, parsed and validated */
#define REG_MAX_ATTENDEES 10
#define REG_MAX_SESSIONS 8
struct reg_person {
	char	*first_name;
	char	*last_name;
	char	*email;
	char	*email_norm;
	char	*company;
	char	*phone;
	char	*job_title;
	char	*dietary;
	int	 listed;
	size_t	 nsessions;	/* sign-ups: the dinner, study visits */
	int64_t	 sessions[REG_MAX_SESSIONS];
};
/*
 * Who pays (the "billing" object of a registration): all NULL when none
 * was given, and the contact pays. The numbers are in their normal forms.
 */
struct reg_billing {
	char	*organisation;
	char	*org_number;	/* NNNNNN-NNNN, or "" */
	char	*vat_number;	/* as VIES prints it, or "" */
	char	*address;	/* lines */
	char	*email;
	char	*reference;	/* the buyer's reference or PO number */
};
struct reg_input {
	int64_t			 ticket_type;
	/* Field errors as codes ("required", "taken"), not sentences. */
	int			 codes;
	struct reg_person	 contact;
	size_t			 nattendees;
	struct reg_person	 attendees[REG_MAX_ATTENDEES];
	/* By an organiser: hidden ticket types and closed sales allowed. */
	int			 on_behalf;
	/* An invitation link's code ("": none): its hidden type allowed. */
	char			 invitation[INVITATION_CODE_CHARS + 1];
	/* The form's language, "sv" or "en": the registration's mail. */
	char			 lang[3];
	struct reg_billing	 billing;
};
#define REG_CODES 0x1	/* field errors as codes, as the organiser API's */
struct reg_input *reg_input_parse(json_t *, int flags, json_t **fields);
/* What a change may touch (reg_person_patch) */
#define REG_PATCH_NAMES		0x01	/* first_name, last_name */
#define REG_PATCH_EMAIL		0x02
#define REG_PATCH_COMPANY	0x04
#define REG_PATCH_JOB		0x08
#define REG_PATCH_DIETARY	0x10
#define REG_PATCH_PHONE		0x20
#define REG_PATCH_LISTED	0x40
int reg_person_patch(json_t *, int contact, unsigned allowed,
	    struct reg_person *, json_t **fields);
int reg_person_parse(json_t *, struct reg_person *, json_t **fields);
int reg_sessions_parse(json_t *, struct reg_person *, json_t **fields);
void reg_person_free(struct reg_person *);
void reg_input_free(struct reg_input *);

/* store.c: connections, prepared statements, transactions */
struct store;
#define STORE_WRITER 0x1	/* migrate, load the demo, write */
#define STORE_NO_DEMO 0x2
#define STORE_CHECKPOINTER 0x4	/* runs checkpoints beside the writer */
/*
 * With STORE_WRITER: write, but never create, migrate or fill the
 * database, and refuse one whose schema is not this program's. Migrating
 * is the daemon's step alone; the other programs use this.
 */
#define STORE_NO_MIGRATE 0x8
/*
 * A file being copied (store-backup.c): created when missing (with its
 * folder), or with STORE_READ_ONLY only read; nothing set on the
 * connection, no schema check, no migration: the caller does what it needs.
 */
#define STORE_COPY 0x10
#define STORE_READ_ONLY 0x20
struct store *store_open(const char *path, int flags, char **cause);
int store_make_parent_dirs(const char *path);
void store_close(struct store *);
sqlite3 *store_db(struct store *);
sqlite3_stmt *store_stmt(struct store *, const char *sql);
int store_run(struct store *, const char *sql);
/* What one sqlite3_step() gave: a row, the end, or an error (logged). */
enum store_step { STORE_ERROR = -1, STORE_DONE = 0, STORE_ROW = 1 };
enum store_step store_step(struct store *, sqlite3_stmt *);
int store_step_done(struct store *, sqlite3_stmt *);
json_t *store_list_end(json_t *, enum store_step last);
int store_exec(struct store *, const char *sql);
int store_begin(struct store *);
int store_commit(struct store *);
int store_read_begin(struct store *);
void store_read_end(struct store *, int);
void store_rollback(struct store *);
int store_checkpoint(struct store *);
int store_user_version(struct store *);

/* store-backup.c */
int store_backup(const char *db_path, const char *to, int replace,
	    int *version, char **cause);
int store_backup_verify(const char *path, int *version, char **cause);
int store_restore(const char *db_path, const char *from, int replace,
	    int *version, char **cause);
/*
 * store-search.c: the search and sort keys of attendees, as SQL of the
 * columns (or values) they are made of: the one definition of each.
 */
#define STORE_SEARCH_KEY(first, last, email, company) \
	"tt_fold(" first " || ' ' || " last " || ' ' || " email " || ' ' || " \
	company ")"
#define STORE_NAME_KEY(first, last) "tt_sort_key(" last ", " first ")"
#define STORE_COMPANY_KEY(company) "tt_sort_key(" company ")"
int store_search_open(struct store *);
int store_search_refresh(struct store *);
int store_email_keys_open(struct store *);
int store_email_keys_refresh(struct store *);
/* The SQL of what invoice i (an alias) still wants, in öre. */
#define INVOICE_BALANCE(i) \
	"(" i ".total_ore + coalesce((SELECT sum(c.total_ore) FROM invoices c" \
	" WHERE c.credits_id = " i ".id), 0) - coalesce((SELECT" \
	" sum(p.amount_ore) FROM payments p WHERE p.invoice_id = " i ".id), 0))"
/* store-invoice.c: invoices and credit notes as registrations change */
int store_invoice_open(struct store *);
int store_invoicing(struct store *, int64_t ticket_type);
int store_invoice_mark_event(struct store *, int64_t event);
int store_invoice_settle(struct store *, int64_t now);
json_t *store_invoices_json(struct store *, int64_t registration);
int store_invoice_document(struct store *, int64_t number,
	    int64_t registration, json_t **);
/* state: NULL (all), "unpaid", "partly_paid", "overdue", "paid", "overpaid"
 * or "credit" */
json_t *store_invoices_event_json(struct store *, int64_t event,
	    const char *state, int64_t now, int64_t limit, int64_t offset);
int store_registration_lang(struct store *, int64_t registration,
	    char lang[3]);
/* store-payment.c: what was paid, by hand or from the bank's file */
struct staff;
struct bgmax_file;
struct store_error;
int store_payment_mark(struct store *, int64_t number, int64_t amount,
	    const char *paid_on, const char *zone, const struct staff *,
	    const char *address, int64_t now, json_t **answer,
	    struct store_error *);
int store_bank_file_book(struct store *, const struct bgmax_file *,
	    const struct staff *, const char *address, int64_t now,
	    json_t **answer, struct store_error *);
json_t *store_payments_unmatched(struct store *);
int store_invoice_remind(struct store *, int64_t number, const struct staff *,
	    const char *address, int64_t now, json_t **answer,
	    struct store_error *);
/* store-sie.c: an event's bookkeeping as SIE verifications, in batches */
enum { SIE_RECEIVABLE, SIE_REVENUE, SIE_VAT, SIE_BANK, SIE_ACCOUNTS };
struct sie_company {
	char	 name[600];		/* the seller's */
	char	 orgno[24];
	char	 account[SIE_ACCOUNTS][8];
	char	 year_start[9], year_end[9];	/* YYYYMMDD */
};
struct sie_key {
	char	 date[16];
	char	 series[2];
	int64_t	 number;
};
struct sie_ver;
int store_sie_company(struct store *, int64_t event, struct sie_company *);
int store_sie_batch(struct store *, int64_t event, const struct sie_company *,
	    struct sie_key *, int limit,
	    int (*each)(void *, const struct sie_ver *), void *);

/* store-migrate.c; the SQL is embedded by db/embed-sql.sh */
struct embedded_sql {
	const char	*name;
	const char	*sql;
};
extern const struct embedded_sql db_migrations[];
extern const struct embedded_sql db_demo[];
int store_migrate(struct store *, int *was_empty, char **cause);
int store_migration_count(void);
int store_load_demo(struct store *, char **cause);

/* store-event.c: the event, its ticket types and the programme as JSON */
int64_t store_current_event(struct store *);
char *store_local_zone(struct store *);
json_t *store_seats_json(int64_t left);
json_t *store_time_json(sqlite3_stmt *, int col, const char *zone);
int store_set_current_event(struct store *, int64_t event_id);
json_t *store_event_json(struct store *, int64_t event_id);
json_t *store_invitation_json(struct store *, const char *code, int *found);
json_t *store_programme_json(struct store *, int64_t event_id);
json_t *store_programme_event_json(struct store *, int64_t event_id);

/* store-error.c: what a failed store operation hands up */
struct store_error {
	int	 status;	/* HTTP status */
	char	 code[32];
	char	 message[160];
	int	 retry_after;	/* seconds, for 429 and 503; 0: none */
	json_t	*fields;	/* owned; may be NULL */
	json_t	*current;	/* owned: the copy a stale edit missed */
	json_t	*params;	/* owned: what the code names, for the page's
				   words (the clashing session) */
};
void store_error_set(struct store_error *, int, const char *, const char *,
	    ...) TT_PRINTFLIKE(4, 5);
void store_error_clear(struct store_error *);

/* store-seats.c: seat counters, attendee and registration status, waitlist */
/*
 * SQL: whether event e takes registrations at ?2: it is the current
 * (published) event, not archived, and within its window.
 */
#define STORE_EVENT_OPEN \
	"(e.archived = 0 AND e.id IS (SELECT value FROM settings WHERE" \
	" key = 'current_event') AND (e.registration_opens_at IS NULL OR" \
	" e.registration_opens_at <= ?2) AND (e.registration_closes_at IS NULL" \
	" OR e.registration_closes_at > ?2))"
/*
 * SQL: whether a confirmed attendee of ticket type t takes a seat of its
 * event e's capacity: speakers only when the event says so.
 */
#define STORE_IN_CAPACITY(t, e) \
	"(" t ".role <> 'speaker' OR " e ".speakers_in_capacity = 1)"
struct store_seats {
	int64_t	event_id;
	int	hidden, on_sale, waitlist;
	int	invited;	/* the invitation code given is this type's */
	int	open;		/* the event takes registrations now */
	int64_t	left;		/* -1: unlimited */
};
int64_t store_seats_left(sqlite3_stmt *, int limit_col, int count_col);
int64_t store_seats_min(int64_t, int64_t);
enum store_step store_seats_get(struct store *, int64_t ticket_type,
	    const char *invitation, int64_t now, struct store_seats *);
int store_count_registration_day(struct store *, int64_t event_id,
	    int64_t ticket_type, int64_t at);
int store_attendee_set_status(struct store *, int64_t id, const char *status,
	    int64_t now);
int store_registration_refresh(struct store *, int64_t id, int cancel,
	    int64_t now);
int store_promote_waitlist(struct store *, int64_t event_id);
int store_dietary_add(struct store *, int64_t event_id, const char *dietary,
	    int delta);
int store_recount(struct store *);
int store_event_recount(struct store *, int64_t event_id);
int store_attendee_set_ticket_type(struct store *, int64_t id,
	    int64_t ticket_type);
int store_attendee_dietary_count(struct store *, int64_t id, int delta);

/* store-signup.c: session sign-ups, their seats and their lines */
struct signup_session {
	int64_t	 id;
	char	*title;		/* owned */
	int	 free_seat;	/* no limit, or a seat left */
	int	 waitlist;	/* a full session keeps a line */
	int64_t	 starts_at;
	int64_t	 ends_at;
};
enum store_step store_signup_session(struct store *, int64_t id,
	    int64_t event, struct signup_session *);
void store_signup_session_free(struct signup_session *);
int store_signup_overlap(const struct signup_session *, size_t n, size_t *a,
	    size_t *b);
void store_signup_overlap_error(const struct signup_session *,
	    const struct signup_session *other, struct store_error *);
int store_signup_join(struct store *, int64_t attendee, int confirmed,
	    const struct signup_session *, struct store_error *);
int store_signup_drop(struct store *, int64_t attendee, int64_t session);
int store_signup_list(struct store *, int64_t attendee, int64_t **ids,
	    size_t *n);
int store_signup_promote(struct store *, int64_t session);
int store_signup_promote_all(struct store *);
int store_signup_release(struct store *, int64_t attendee);
int store_signup_honour(struct store *, int64_t attendee, int64_t event);
int store_signup_unseat(struct store *, int64_t attendee);
json_t *store_signup_json(struct store *, int64_t attendee);

/* store-reg.c: registering and cancelling */
int64_t store_register(struct store *, const struct reg_input *,
	    const char *idem_key, const unsigned char *idem_hash,
	    int *replayed, struct store_error *);
int64_t store_cancel(struct store *, const char *token, struct store_error *);
int store_cancel_registration(struct store *, int64_t id, int64_t now);
int64_t store_registration_insert(struct store *, const struct reg_input *,
	    int64_t event_id, int64_t now);
int64_t store_attendee_insert(struct store *, const struct reg_person *,
	    int64_t reg_id, int64_t event_id, int64_t ticket_type, int64_t now);
int64_t store_registration_by_token(struct store *, const char *token);
enum store_step store_email_taken(struct store *, int64_t event_id,
	    const char *email_norm);

/* store-outbox.c: the mail outbox, written in the change's transaction */
#define OUTBOX_ERROR_MAX 300	/* bytes of a failed attempt's error kept */
struct outbox_msg {
	int64_t	 id;
	char	 kind[16];	/* confirmation, ..., changed, session_moved */
	int64_t	 registration_id;	/* 0: none */
	int64_t	 attendee_id;	/* 0: the whole registration, to its contact */
	char	*recipient;
	char	*recipient_name;
	char	 lang[3];
	char	*params;	/* JSON */
	char	*message_id;	/* "<...>", made with the row */
	int	 attempts;	/* this one included */
	int64_t	 created_at;
};
int store_outbox_add(struct store *, const char *kind, int64_t reg_id,
	    int64_t attendee_id, const char *to, const char *to_name,
	    const char *lang, const json_t *params);
int store_outbox_registration(struct store *, int64_t reg_id, int cancelled);
int store_outbox_attendee(struct store *, const char *kind,
	    int64_t attendee_id);
int store_outbox_link_request(struct store *, int64_t event_id,
	    const char *email_norm);
/* What a "changed" message compares of an attendee, before and after. */
struct outbox_snap {
	int64_t	 attendee;
	char	*first_name, *last_name;
	int64_t	 ticket_type;
	char	*sessions;	/* ids signed up to or in line for: "3,7" */
};
int store_outbox_snap(struct store *, int64_t attendee_id,
	    struct outbox_snap *);
void store_outbox_snap_clear(struct outbox_snap *);
int store_outbox_changed(struct store *, const struct outbox_snap *before);
int store_outbox_programme(struct store *, const json_t *changes);
int store_outbox_requeue(struct store *, int64_t before);
enum store_step store_outbox_claim(struct store *, int64_t now,
	    struct outbox_msg *);
void store_outbox_msg_clear(struct outbox_msg *);
int store_outbox_sent(struct store *, int64_t id, int64_t now);
int store_outbox_failed(struct store *, int64_t id, int64_t at, int failed,
	    const char *error);
int store_outbox_next_due(struct store *, int64_t *at);
int store_outbox_retry(struct store *, int64_t id, struct store_error *);
int store_outbox_link(struct store *, int64_t reg_id, int64_t attendee_id,
	    int64_t *event_id, char token[TOKEN_MANAGE_LEN + 1]);
json_t *store_outbox_list(struct store *, const char *state, int64_t limit,
	    int64_t offset, const char *zone);

/* store-speaker-pass.c: the passes of speakers, made from the programme */
int store_speaker_passes(struct store *, int64_t event_id);
int store_speaker_pass_update(struct store *, int64_t speaker_id);
void store_speaker_name_split(const char *name, char **first, char **last);

/* store-reg-json.c: a registration as the API shows it */
json_t *store_registration_json(struct store *, int64_t id);

/* store-listed.c: the public attendee list */
json_t *store_listed_json(struct store *, int64_t event_id, int64_t offset,
	    int64_t limit);


#endif
