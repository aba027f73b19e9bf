/*
 * mailer.c: the thread that sends the outbox (store-outbox.c) over SMTP
 * with libcurl, on a database connection of its own. It takes the first
 * message due, renders it (mail-messages.c, mime.c; the passes drawn by
 * badges/pass.c, the programme by db/schedule-ical.c; an organiser's
 * message by mail-organiser.c), sends it, and
 * marks it sent, or queued again after an exponential back-off (capped),
 * or failed after MAIL_ATTEMPTS_MAX attempts. At most --mail-rate
 * messages leave a minute; one attempt takes at most --smtp-timeout.
 * Requests never wait for it: the writer wakes it after each commit, and
 * it looks at the outbox every MAIL_IDLE_MS anyway. A message that was
 * being sent when the daemon died is queued again at the next start, and
 * sent again with the same Message-ID. Without --smtp-url nothing starts
 * and messages wait in the outbox.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "badges.h"
#include "schedule.h"
#include "store-messages.h"
#include "store-release.h"
#include "techtankd.h"

/* A connection idle longer is not used again (servers drop them). */
#define MAIL_KEEP_SECS		30
/* A message still "sending" this long after it started was abandoned. */
#define MAIL_STALE_SECS(timeout)	(2 * (timeout) + 60)

static struct {
	pthread_t	 thread;
	int		 running;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 woken;
	atomic_int	 stop;
	struct store	*st;
	CURL		*curl;		/* kept: its connection serves the next */
	time_t		 last_sent;
	char		*url;
	char		*user;
	char		*password;
	char		*from_name;
	char		*from_addr;
	char		*public_url;
	char		*ca_file;	/* NULL: the system's CAs */
	int		 use_ssl;	/* CURLUSESSL_* */
	int		 timeout;
	int		 rate;
	int		 retry;
	int64_t		 window_start;	/* of the rate's minute */
	int		 window_sent;
} ml = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Wake the sender: something may be due. Cheap; any thread. */
void
mailer_wake(void)
{
	pthread_mutex_lock(&ml.lock);
	ml.woken = 1;
	pthread_cond_signal(&ml.cond);
	pthread_mutex_unlock(&ml.lock);
}

/* Sleep ms at most, until woken or stopped. */
static void
mailer_sleep(int64_t ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ml.lock);
	while (!ml.woken && !atomic_load(&ml.stop))
		if (pthread_cond_timedwait(&ml.cond, &ml.lock, &ts) ==
		    ETIMEDOUT)
			break;
	ml.woken = 0;
	pthread_mutex_unlock(&ml.lock);
}

static cairo_status_t
sbuf_write(void *closure, const unsigned char *data, unsigned int len)
{
	sbuf_add(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* What one message is made of: its files and their names. */
struct render {
	struct mime_attachment	 att[REG_MAX_ATTENDEES + 1];
	char			*names[REG_MAX_ATTENDEES + 1];
	char			*bodies[REG_MAX_ATTENDEES + 1];
	size_t			 n;
};

static void
render_clear(struct render *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->names[i]);
		free(r->bodies[i]);
	}
	memset(r, 0, sizeof *r);
}

static void
render_add(struct render *r, char *name, const char *type, char *body,
    size_t len)
{
	r->names[r->n] = name;
	r->bodies[r->n] = body;
	r->att[r->n].name = name;
	r->att[r->n].type = type;
	r->att[r->n].data = body;
	r->att[r->n].len = len;
	r->n++;
}

/* The passes of the attendees the message is about, as PDF files. */
static int
render_passes(struct render *r, const struct badge_event *ev,
    const json_t *reg, int64_t attendee, char **cause)
{
	struct badge_people	 people = { 0 };
	int64_t			 ids[REG_MAX_ATTENDEES];
	size_t			 n = 0, i;
	const json_t		*a;
	int			 rc = -1;

	json_array_foreach(json_object_get(reg, "attendees"), i, a) {
		int64_t	id = json_integer_value(json_object_get(a, "id"));

		if (n == REG_MAX_ATTENDEES || !json_is_string(json_object_get(a,
		    "pass_code")) || (attendee > 0 && id != attendee))
			continue;
		ids[n++] = id;
	}
	if (n == 0)
		return 0;
	if (store_badge_people(ml.st, ev->id, BADGE_IDS, ids, n, &people,
	    cause) != 0)
		return -1;
	for (i = 0; i < people.n; i++) {
		struct badge_person	*p = &people.v[i];
		struct sbuf		 pdf = { 0 };
		char			*full, *stem, *name, *body;
		size_t			 len;

		if (p->pass_code == NULL)
			continue;
		if (badge_pass_stream(ev, p, BADGE_PDF, sbuf_write, &pdf,
		    cause) != 0) {
			free(pdf.p);
			goto out;
		}
		xasprintf(&full, "%s %s", p->first_name, p->last_name);
		stem = filename_stem(full, 1);
		xasprintf(&name, "pass-%s.pdf", stem);
		free(stem);
		free(full);
		body = sbuf_take(&pdf, &len);
		render_add(r, name, "application/pdf", body, len);
	}
	rc = 0;
out:
	store_badge_people_clear(&people);
	return rc;
}

/*
 * The invoices and credit notes the message names (params "invoices",
 * store-invoice.c), as PDF, when it goes to the registration's contact:
 * the company's bill is not a colleague's mail. 0, or -1 with *cause.
 */
static int
render_invoices(struct render *r, const struct outbox_msg *m,
    const json_t *params, const json_t *reg, struct mail_view *v,
    json_t *bills, char **cause)
{
	const char	*contact = json_string_value(json_object_get(
	    json_object_get(reg, "contact"), "email"));
	const json_t	*n;
	size_t		 i;

	/* A reminder is addressed to whoever pays by the store. */
	if (strcmp(m->kind, "reminder") != 0 && (contact == NULL ||
	    strcasecmp(contact, m->recipient) != 0))
		return 0;
	json_array_foreach(json_object_get(params, "invoices"), i, n) {
		struct sbuf	 pdf = { 0 };
		json_t		*doc;
		const char	*kind;
		char		*name, *body;
		size_t		 len;

		if (store_invoice_document(ml.st, json_integer_value(n),
		    m->registration_id, &doc) != 1) {
			xasprintf(cause, "invoice %lld cannot be read",
			    (long long)json_integer_value(n));
			return -1;
		}
		if (badge_invoice_stream(doc, m->lang, sbuf_write, &pdf,
		    cause) != 0) {
			json_decref(doc);
			free(pdf.p);
			return -1;
		}
		kind = json_string_value(json_object_get(doc, "kind"));
		if (kind != NULL && strcmp(kind, "credit") == 0)
			v->credits++;
		else {
			v->invoices++;
			/* What to pay, by when and how: said in the text too. */
			json_array_append_new(bills, json_pack("{s:O?, s:O?,"
			    " s:O?, s:O?, s:O?}", "number", json_object_get(doc,
			    "number"), "total_ore", json_object_get(doc,
			    "total_ore"), "due", json_object_get(doc, "due"),
			    "ocr", json_object_get(doc, "ocr"), "bankgiro",
			    json_object_get(json_object_get(doc, "seller"),
			    "bankgiro")));
		}
		xasprintf(&name, "%s-%lld.pdf", kind != NULL &&
		    strcmp(kind, "credit") == 0 ? (strcmp(m->lang, "sv") == 0 ?
		    "kreditfaktura" : "credit-note") : (strcmp(m->lang, "sv") ==
		    0 ? "faktura" : "invoice"), (long long)json_integer_value(n));
		json_decref(doc);
		body = sbuf_take(&pdf, &len);
		render_add(r, name, "application/pdf", body, len);
	}
	return 0;
}

/* The programme as it is published, as an .ics file (none: nothing). */
static void
render_calendar(struct render *r, int64_t event_id, const char *lang)
{
	struct schedule_opts	 opts = { .lang = strcmp(lang, "en") == 0 ?
	    SCHEDULE_EN : SCHEDULE_SV, .base_url = ml.public_url,
	    .version = PACKAGE_VERSION };
	json_t			*doc;
	char			*ics;
	size_t			 len;

	if ((doc = store_release_document(ml.st, event_id)) == NULL)
		return;
	if ((ics = schedule_ical(doc, &opts, NULL, &len)) != NULL)
		render_add(r, xstrdup(opts.lang == SCHEDULE_EN ?
		    "programme.ics" : "program.ics"), "text/calendar", ics,
		    len);
	json_decref(doc);
}

/* Whether the message goes to the attendee it is about. */
static int
to_attendee(const struct outbox_msg *m, const json_t *reg)
{
	const json_t	*a;
	size_t		 i;

	if (m->attendee_id <= 0)
		return 0;
	json_array_foreach(json_object_get(reg, "attendees"), i, a)
		if (json_integer_value(json_object_get(a, "id")) ==
		    m->attendee_id)
			return strcasecmp(json_string_value(json_object_get(a,
			    "email")), m->recipient) == 0;
	return 0;
}

/* The first name of the attendee an organiser's message goes to. */
static char *
attendee_first_name(int64_t id)
{
	static const char	 sql[] =
	    "SELECT first_name FROM attendees WHERE id = ?1"
	    " AND erased_at IS NULL";
	sqlite3_stmt		*s = store_stmt(ml.st, sql);
	char			*name = NULL;

	sqlite3_bind_int64(s, 1, id);
	if (store_step(ml.st, s) == STORE_ROW)
		name = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return name;
}

/*
 * An organiser's message to one attendee (admin-messages.c): as render()
 * answers.
 */
static int
render_organiser(const struct outbox_msg *m, char **out, size_t *len,
    char **cause)
{
	struct message_text	 msg = { 0 };
	struct organiser_view	 v = { .lang = m->lang, .msg = &msg };
	struct mail_text	 t = { 0 };
	struct mime_message	 mm;
	char			 token[TOKEN_MANAGE_LEN + 1];
	char			*url = NULL, *first = NULL;
	int64_t			 event_id, id;
	json_t			*params;
	int			 rc = -1, contact;

	*out = NULL;
	params = json_loads(m->params, 0, NULL);
	id = json_integer_value(json_object_get(params, "message"));
	contact = json_is_true(json_object_get(params, "contact"));
	json_decref(params);
	if (store_exec(ml.st, "BEGIN") != 0) {
		xasprintf(cause, "the database could not be read");
		return -1;
	}
	switch (store_message_text(ml.st, id, &msg)) {
	case 1:
		break;
	case 0:
		xasprintf(cause, "the message no longer exists");
		rc = 1;
		goto out;
	default:
		xasprintf(cause, "the database could not be read");
		goto out;
	}
	if (m->attendee_id <= 0 || *m->recipient == '\0' ||
	    (first = attendee_first_name(m->attendee_id)) == NULL) {
		xasprintf(cause, "the attendee no longer exists");
		rc = 1;
		goto out;
	}
	v.first_name = first;
	/* The contact's is the whole registration's link. */
	if (store_outbox_link(ml.st, m->registration_id, contact ? 0 :
	    m->attendee_id, &event_id, token) == 0) {
		xasprintf(&url, "%s/manage.html#t=%s", ml.public_url, token);
		v.link = url;
	}
	mail_organiser_render(&v, &t);
	mm = (struct mime_message){ .from_name = ml.from_name,
	    .from_addr = ml.from_addr, .to_name = m->recipient_name,
	    .to_addr = m->recipient, .subject = t.subject,
	    .message_id = m->message_id, .lang = m->lang,
	    .date = time(NULL), .text = t.text, .html = t.html };
	rc = (*out = mime_build(&mm, len, cause)) == NULL ? 1 : 0;
out:
	store_exec(ml.st, "COMMIT");
	mail_text_clear(&t);
	store_message_text_clear(&msg);
	free(first);
	free(url);
	return rc;
}

/*
 * The message, ready to send: 0 with *out, 1 with *cause when it can
 * never be made (the registration is gone, an address is unusable), -1
 * with *cause when it may work later.
 */
static int
render(const struct outbox_msg *m, char **out, size_t *len, char **cause)
{
	struct render		 files = { 0 };
	struct mail_view	 v = { .kind = m->kind, .lang = m->lang,
	    .attendee = m->attendee_id };
	struct mail_text	 t = { 0 };
	struct mime_message	 mm = { 0 };
	struct badge_event	 ev = { 0 };
	char			 token[TOKEN_MANAGE_LEN + 1], dates[128];
	char			*url = NULL;
	json_t			*reg = NULL, *params = NULL, *bills = NULL;
	int64_t			 event_id = 0;
	int			 rc = -1, pass, changed;

	if (strcmp(m->kind, "organiser") == 0)
		return render_organiser(m, out, len, cause);
	*out = NULL;
	if (store_exec(ml.st, "BEGIN") != 0) {
		xasprintf(cause, "the database could not be read");
		return -1;
	}
	params = json_loads(m->params != NULL ? m->params : "{}", 0, NULL);
	v.params = params;
	if (m->registration_id <= 0 ||
	    (reg = store_registration_json(ml.st, m->registration_id)) ==
	    NULL) {
		xasprintf(cause, "the registration no longer exists");
		rc = 1;
		goto out;
	}
	v.reg = reg;
	v.to_is_attendee = to_attendee(m, reg);
	switch (store_outbox_link(ml.st, m->registration_id,
	    v.to_is_attendee ? m->attendee_id : 0, &event_id, token)) {
	case 0:
		break;
	case 1:
		xasprintf(cause, "the registration no longer exists");
		rc = 1;
		goto out;
	default:
		xasprintf(cause, "the database could not be read");
		goto out;
	}
	xasprintf(&url, "%s/manage.html#t=%s", ml.public_url, token);
	v.link = url;
	if (store_badge_event(ml.st, event_id, &ev) == 0) {
		badge_event_dates_in(&ev, m->lang, dates, sizeof dates);
		v.dates = dates;
	}
	/* A change may be a new name or a new pass code: the pass again. */
	changed = strcmp(m->kind, "changed") == 0;
	pass = strcmp(m->kind, "confirmation") == 0 ||
	    strcmp(m->kind, "promoted") == 0 || changed;
	if (pass && ev.id > 0) {
		if (render_passes(&files, &ev, reg, m->attendee_id,
		    cause) != 0)
			goto out;
		v.passes = (int)files.n;
		if (!changed)
			render_calendar(&files, event_id, m->lang);
		v.calendar = files.n > (size_t)v.passes;
	}
	v.bills = bills = json_array();
	if (render_invoices(&files, m, params, reg, &v, bills, cause) != 0)
		goto out;
	mail_render(&v, &t);
	mm = (struct mime_message){ .from_name = ml.from_name,
	    .from_addr = ml.from_addr, .to_name = m->recipient_name,
	    .to_addr = m->recipient, .subject = t.subject,
	    .message_id = m->message_id, .lang = m->lang,
	    .date = time(NULL), .text = t.text, .html = t.html,
	    .attachments = files.att, .nattachments = files.n };
	if ((*out = mime_build(&mm, len, cause)) == NULL)
		rc = 1;
	else
		rc = 0;
out:
	store_exec(ml.st, "COMMIT");
	mail_text_clear(&t);
	render_clear(&files);
	store_badge_event_clear(&ev);
	json_decref(reg);
	json_decref(params);
	json_decref(bills);
	free(url);
	return rc;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
upload_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload	*u = arg;
	size_t		 len = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

/* Ends an attempt at once when the daemon stops. */
static int
upload_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	(void)arg, (void)a, (void)b, (void)c, (void)d;
	return atomic_load(&ml.stop) ? 1 : 0;
}

/* One SMTP transaction: 0, or -1 with *cause (the server's words). */
static int
smtp_send(const char *to, const char *data, size_t len, char **cause)
{
	CURL			*c;
	struct curl_slist	*rcpt = NULL;
	struct upload		 u = { data, len };
	char			 err[CURL_ERROR_SIZE] = "", *from;
	long			 code = 0;
	CURLcode		 res;

	/* One connection for a run of messages: a burst is not a handshake
	 * (and a TLS one) per message. */
	if (ml.curl != NULL && time(NULL) - ml.last_sent > MAIL_KEEP_SECS) {
		curl_easy_cleanup(ml.curl);
		ml.curl = NULL;
	}
	if (ml.curl == NULL)
		ml.curl = curl_easy_init();
	if ((c = ml.curl) == NULL) {
		xasprintf(cause, "cannot start libcurl");
		return -1;
	}
	xasprintf(&from, "<%s>", ml.from_addr);
	rcpt = curl_slist_append(rcpt, to);
	curl_easy_setopt(c, CURLOPT_URL, ml.url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)ml.use_ssl);
	if (ml.ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ml.ca_file);
	if (ml.user != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, ml.user);
	if (ml.password != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, ml.password);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)ml.timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)ml.timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, upload_progress);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	res = curl_easy_perform(c);
	ml.last_sent = time(NULL);
	if (res != CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code != 0)
			xasprintf(cause, "%s (%ld): %s",
			    curl_easy_strerror(res), code, err);
		else
			xasprintf(cause, "%s: %s", curl_easy_strerror(res),
			    err);
	}
	/* Nothing of this call's stays pointed at by the kept handle. */
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(c, CURLOPT_READDATA, NULL);
	curl_slist_free_all(rcpt);
	/* After a failure the next attempt starts on a new connection. */
	if (res != CURLE_OK) {
		curl_easy_cleanup(c);
		ml.curl = NULL;
	}
	free(from);
	return res == CURLE_OK ? 0 : -1;
}

/* Seconds before attempt number attempts + 1: doubling, capped. */
static int64_t
backoff(int attempts)
{
	int64_t	d = ml.retry;

	for (int i = 1; i < attempts && d < MAIL_RETRY_CAP; i++)
		d *= 2;
	return d < MAIL_RETRY_CAP ? d : MAIL_RETRY_CAP;
}

/* Render and send one claimed message, and record what happened. */
static void
mailer_send(struct outbox_msg *m)
{
	char	*data = NULL, *cause = NULL;
	size_t	 len = 0;
	int	 rc, failed;
	int64_t	 now;

	rc = render(m, &data, &len, &cause);
	if (rc == 0)
		rc = smtp_send(m->recipient, data, len, &cause);
	now = (int64_t)time(NULL);
	if (rc == 0) {
		if (store_outbox_sent(ml.st, m->id, now) != 0)
			log_warnx("mail %lld: sent, but not marked so",
			    (long long)m->id);
	} else if (atomic_load(&ml.stop)) {
		/* Cut short by the shutdown: due again at the next start. */
		if (store_outbox_failed(ml.st, m->id, now, 0, "interrupted: the "
		    "daemon stopped") != 0)
			log_warnx("mail %lld: the failure was not recorded",
			    (long long)m->id);
	} else {
		failed = rc > 0 || m->attempts >= MAIL_ATTEMPTS_MAX;
		log_warnx("mail %lld to %s, attempt %d: %s%s", (long long)m->id,
		    m->recipient, m->attempts, cause ? cause : "failed",
		    failed ? " (given up)" : "");
		if (store_outbox_failed(ml.st, m->id, now +
		    backoff(m->attempts), failed, cause ? cause : "failed") != 0)
			log_warnx("mail %lld: the failure was not recorded",
			    (long long)m->id);
	}
	free(data);
	free(cause);
}

/* Whether the minute's messages are all sent: then wait for the next. */
static int
rate_reached(int64_t now)
{
	if (now >= ml.window_start + 60) {
		ml.window_start = now;
		ml.window_sent = 0;
	}
	return ml.window_sent >= ml.rate;
}

static void *
mailer_main(void *arg)
{
	struct outbox_msg	m;
	enum store_step		step;
	int64_t			now, due, last_stale = 0;
	int			none;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-mailer");
	/* We are the only sender: what was "sending" died with the last. */
	if (store_outbox_requeue(ml.st, INT64_MAX) != 0)
		log_warnx("mail: could not queue again what was being sent");
	while (!atomic_load(&ml.stop)) {
		now = (int64_t)time(NULL);
		if (now - last_stale >= 60) {
			store_outbox_requeue(ml.st, now -
			    MAIL_STALE_SECS(ml.timeout));
			last_stale = now;
		}
		if (rate_reached(now)) {
			mailer_sleep((ml.window_start + 60 - now) * 1000);
			continue;
		}
		step = store_outbox_claim(ml.st, now, &m);
		if (step == STORE_ROW) {
			ml.window_sent++;
			mailer_send(&m);
			store_outbox_msg_clear(&m);
			continue;
		}
		if (step == STORE_ERROR) {
			mailer_sleep(1000);
			continue;
		}
		none = store_outbox_next_due(ml.st, &due);
		if (none == 0 && due <= now)
			continue;
		mailer_sleep(none == 0 && (due - now) * 1000 < MAIL_IDLE_MS ?
		    (due - now) * 1000 : MAIL_IDLE_MS);
	}
	return NULL;
}

/* The password: the file's first line, else the environment's; or NULL. */
static int
read_password(const struct config *cfg, char **out, char **cause)
{
	const char	*env = getenv("TECHTANK_SMTP_PASSWORD");
	char		 buf[MAIL_PASSWORD_MAX + 2];
	FILE		*f;
	size_t		 n;

	*out = NULL;
	if (cfg->smtp_password_file == NULL) {
		if (env != NULL && *env != '\0')
			*out = xstrdup(env);
		return 0;
	}
	if ((f = fopen(cfg->smtp_password_file, "r")) == NULL) {
		xasprintf(cause, "--smtp-password-file %s: %s",
		    cfg->smtp_password_file, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (n > MAIL_PASSWORD_MAX || buf[0] == '\0') {
		sodium_memzero(buf, sizeof buf);
		xasprintf(cause, "--smtp-password-file %s: %s",
		    cfg->smtp_password_file, n > MAIL_PASSWORD_MAX ?
		    "longer than 1024 bytes" : "empty");
		return -1;
	}
	*out = xstrdup(buf);
	sodium_memzero(buf, sizeof buf);
	return 0;
}

/* "Name <addr>" or "addr" into ml.from_name and ml.from_addr. */
static int
parse_from(const char *from, char **cause)
{
	const char	*lt = strrchr(from, '<');
	size_t		 n;

	if (lt == NULL) {
		ml.from_addr = xstrdup(from);
		ml.from_name = xstrdup("");
	} else {
		n = strlen(lt + 1);
		if (n == 0 || lt[n] != '>') {
			xasprintf(cause, "--mail-from: expected ADDR or "
			    "\"Name <ADDR>\"");
			return -1;
		}
		ml.from_addr = xstrndup(lt + 1, n - 1);
		n = (size_t)(lt - from);
		while (n > 0 && from[n - 1] == ' ')
			n--;
		ml.from_name = xstrndup(from, n);
	}
	if (!mime_address_ok(ml.from_addr) || !utf8_valid(ml.from_name,
	    strlen(ml.from_name)) || text_has_control(ml.from_name)) {
		xasprintf(cause, "--mail-from: \"%s\" is not an address mail "
		    "can be sent from", from);
		return -1;
	}
	return 0;
}

/*
 * smtp:// asks for STARTTLS. Credentials never cross the network in
 * clear: with them TLS is required, except to a relay on this machine;
 * so it is with --smtp-ca-file; otherwise TLS is used when the server
 * offers it.
 */
static int
tls_policy(const struct config *cfg, char **cause)
{
	CURLU	*u = curl_url();
	char	*scheme = NULL, *host = NULL;
	int	 rc = -1, local;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, cfg->smtp_url, 0) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_HOST, &host, 0) !=
	    CURLUE_OK || (strcmp(scheme, "smtp") != 0 &&
	    strcmp(scheme, "smtps") != 0)) {
		xasprintf(cause, "--smtp-url: expected smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT]");
		goto out;
	}
	local = strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "localhost") == 0;
	/* A CA named for the server says it speaks TLS: never without. */
	if (strcmp(scheme, "smtps") == 0 || (ml.password != NULL && !local) ||
	    cfg->smtp_ca_file != NULL)
		ml.use_ssl = CURLUSESSL_ALL;
	else
		ml.use_ssl = CURLUSESSL_TRY;
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/*
 * Start the sender when --smtp-url is set (after the workers, once the
 * public URL is known): 0, or -1 with *cause.
 */
int
mailer_start(const struct config *cfg, char **cause)
{
	if (cfg->smtp_url == NULL) {
		log_info("no --smtp-url: mail waits in the outbox");
		return 0;
	}
	if (cfg->mail_from == NULL) {
		xasprintf(cause, "--smtp-url needs --mail-from");
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		xasprintf(cause, "cannot start libcurl");
		return -1;
	}
	if (cfg->smtp_ca_file != NULL && access(cfg->smtp_ca_file, R_OK) != 0) {
		xasprintf(cause, "--smtp-ca-file %s: %s", cfg->smtp_ca_file,
		    strerror(errno));
		return -1;
	}
	if (parse_from(cfg->mail_from, cause) != 0 ||
	    read_password(cfg, &ml.password, cause) != 0 ||
	    tls_policy(cfg, cause) != 0)
		return -1;
	ml.url = xstrdup(cfg->smtp_url);
	ml.user = cfg->smtp_user != NULL ? xstrdup(cfg->smtp_user) : NULL;
	ml.ca_file = cfg->smtp_ca_file != NULL ? xstrdup(cfg->smtp_ca_file) :
	    NULL;
	ml.public_url = xstrdup(cfg->public_url);
	ml.timeout = cfg->smtp_timeout;
	ml.rate = cfg->mail_rate;
	ml.retry = cfg->mail_retry;
	if ((ml.st = store_open(cfg->db_path, STORE_WRITER | STORE_NO_MIGRATE,
	    cause)) == NULL)
		return -1;
	if (thread_start(&ml.thread, mailer_main, NULL, "mailer", cause) != 0)
		return -1;
	ml.running = 1;
	return 0;
}

/* Stop the sender; an attempt under way ends at once, queued again. */
void
mailer_stop(void)
{
	atomic_store(&ml.stop, 1);
	mailer_wake();
	if (ml.running) {
		pthread_join(ml.thread, NULL);
		ml.running = 0;
	}
	if (ml.curl != NULL) {
		curl_easy_cleanup(ml.curl);
		ml.curl = NULL;
	}
	if (ml.st != NULL) {
		store_close(ml.st);
		ml.st = NULL;
		curl_global_cleanup();
	}
	if (ml.password != NULL)
		sodium_memzero(ml.password, strlen(ml.password));
	free(ml.password);
	free(ml.url);
	free(ml.user);
	free(ml.ca_file);
	free(ml.from_name);
	free(ml.from_addr);
	free(ml.public_url);
	ml.password = ml.url = ml.user = ml.from_name = ml.from_addr = NULL;
	ml.public_url = ml.ca_file = NULL;
}
