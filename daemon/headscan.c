/*
 * headscan.c: the head of every request checked byte by byte before evhttp
 * parses it. evhttp 2.1 takes a bare LF as a line end, joins obs-fold
 * lines to the field before them, cuts a value at a NUL and reads the
 * version with sscanf, so that what it parsed no longer shows what was
 * sent; a proxy in front of us may read the same bytes otherwise (request
 * smuggling). A callback on the connection's input buffer (ours: conn.c
 * creates the bufferevent) sees each read before evhttp does, checks the
 * head from the request line to the empty line, and on a violation puts a
 * line in its place that evhttp itself refuses with 400 (which errpage.c
 * words as the JSON error). Empty lines before a request line are dropped,
 * as RFC 9112 asks. A chunked body's framing is checked too (chunk sizes
 * in hex digits only, the CRLF after each chunk's data), which evhttp reads
 * with strtoll; a violation there is refused at once by conn.c.
 */
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"

#define LEADING_EMPTY_MAX	4	/* empty lines dropped before a request */
#define CHUNK_DIGITS_MAX	15	/* more is left to evhttp's 413 */

enum { PHASE_HEAD, PHASE_SIZE, PHASE_EXT, PHASE_SIZE_LF, PHASE_DATA,
	PHASE_DATA_CR, PHASE_DATA_LF, PHASE_TRAILER };

/* What evhttp refuses as a request line or as a field line alike. */
static const char refused[] = "\x01\r\n\r\n";

void
headscan_start(struct headscan *hs)
{
	int	(*arrived)(void *) = hs->arrived;
	void	(*refuse)(void *) = hs->refuse;
	void	*arg = hs->arrived_arg;

	memset(hs, 0, sizeof *hs);
	hs->arrived = arrived;
	hs->refuse = refuse;
	hs->arrived_arg = arg;
	hs->active = 1;
	hs->line_start = 1;
	hs->first_line = 1;
}

/* The first line ends in " HTTP/" DIGIT "." DIGIT. */
static int
version_ok(const struct headscan *hs)
{
	const char	*v = hs->tail;

	return hs->tail_len == sizeof hs->tail && v[0] == ' ' &&
	    memcmp(v + 1, "HTTP/", 5) == 0 && v[6] >= '0' && v[6] <= '9' &&
	    v[7] == '.' && v[8] >= '0' && v[8] <= '9';
}

static int
field_is(const struct headscan *hs, const char *field)
{
	return hs->field_len == strlen(field) &&
	    memcmp(hs->field, field, hs->field_len) == 0;
}

static int scan_byte_head(struct headscan *, unsigned char);

static int
hex_value(unsigned char b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

/*
 * One byte of a chunked body: 0 fine, 1 the body is complete, -1 refused,
 * 2 leave the rest to evhttp (a size too large for us to count).
 */
static int
chunk_byte(struct headscan *hs, unsigned char b)
{
	int	v;

	switch (hs->phase) {
	case PHASE_SIZE:
		if ((v = hex_value(b)) >= 0) {
			if (++hs->digits > CHUNK_DIGITS_MAX)
				return 2;
			hs->chunk_left = hs->chunk_left * 16 + v;
			return 0;
		}
		if (hs->digits == 0)
			return -1;
		if (b == ';') {
			hs->phase = PHASE_EXT;
			return 0;
		}
		if (b != '\r')
			return -1;
		hs->phase = PHASE_SIZE_LF;
		return 0;
	case PHASE_EXT:
		if (b == '\r')
			hs->phase = PHASE_SIZE_LF;
		else if ((b < 0x20 && b != '\t') || b == 0x7f)
			return -1;
		return 0;
	case PHASE_SIZE_LF:
		if (b != '\n')
			return -1;
		hs->digits = 0;
		if (hs->chunk_left == 0) {
			/* The last chunk: trailer fields, then an empty line. */
			hs->phase = PHASE_TRAILER;
			hs->first_line = 0;
			hs->line_start = 1;
			hs->prev_cr = 0;
			return 0;
		}
		hs->phase = PHASE_DATA;
		return 0;
	case PHASE_DATA:
		if (--hs->chunk_left == 0)
			hs->phase = PHASE_DATA_CR;
		return 0;
	case PHASE_DATA_CR:
		if (b != '\r')
			return -1;
		hs->phase = PHASE_DATA_LF;
		return 0;
	case PHASE_DATA_LF:
		if (b != '\n')
			return -1;
		hs->phase = PHASE_SIZE;
		return 0;
	default:			/* PHASE_TRAILER: field lines */
		return scan_byte_head(hs, b);
	}
}

/* One byte of the head: 0 fine, 1 the head is complete, -1 refused. */
static int
scan_byte_head(struct headscan *hs, unsigned char b)
{
	if (hs->prev_cr) {
		hs->prev_cr = 0;
		if (b != '\n')
			return -1;		/* a bare CR */
		if (hs->line_start && !hs->first_line)
			return 1;		/* the empty line ends the head */
		if (hs->first_line && !version_ok(hs))
			return -1;
		if (!hs->first_line && field_is(hs, "transfer-encoding:chunked"))
			hs->chunked = 1;
		hs->first_line = 0;
		hs->line_start = 1;
		hs->field_len = 0;
		return 0;
	}
	if (b == '\r') {
		hs->prev_cr = 1;
		return 0;
	}
	/* A bare LF, a NUL, any other control but HTAB, DEL. */
	if (b == '\n' || (b < 0x20 && b != '\t') || b == 0x7f)
		return -1;
	/* obs-fold, or a request line that starts with white space. */
	if (hs->line_start && (b == ' ' || b == '\t'))
		return -1;
	hs->line_start = 0;
	/* A field line without its blanks, in lower case. */
	if (!hs->first_line && b != ' ' && b != '\t' &&
	    hs->field_len < sizeof hs->field - 1) {
		hs->field[hs->field_len++] = (char)(b >= 'A' && b <= 'Z' ?
		    b + 32 : b);
		hs->field[hs->field_len] = '\0';
	}
	if (hs->first_line && hs->line_len < sizeof hs->line - 1) {
		hs->line[hs->line_len++] = (char)b;
		hs->line[hs->line_len] = '\0';
	}
	if (hs->first_line) {
		if (hs->tail_len == sizeof hs->tail) {
			memmove(hs->tail, hs->tail + 1, sizeof hs->tail - 1);
			hs->tail_len--;
		}
		hs->tail[hs->tail_len++] = (char)b;
	}
	return 0;
}

/* Drop the empty lines a client may send before its request line. */
static void
drop_leading_empty(struct evbuffer *in, struct headscan *hs)
{
	unsigned char	two[2];

	while (hs->checked == 0 && hs->dropped < LEADING_EMPTY_MAX &&
	    evbuffer_copyout(in, two, 2) == 2 && two[0] == '\r' &&
	    two[1] == '\n') {
		evbuffer_drain(in, 2);
		hs->dropped++;
	}
}

static void
scan(struct evbuffer *in, struct headscan *hs)
{
	struct evbuffer_iovec	 vec[8];
	struct evbuffer_ptr	 at;
	size_t			 len;
	int			 n, rc = 0;

	drop_leading_empty(in, hs);
	while (hs->active && (len = evbuffer_get_length(in)) > hs->checked) {
		if (evbuffer_ptr_set(in, &at, hs->checked, EVBUFFER_PTR_SET) != 0)
			return;
		n = evbuffer_peek(in, (ev_ssize_t)(len - hs->checked), &at, vec,
		    8);
		for (int i = 0; i < n && i < 8 && rc == 0; i++) {
			const unsigned char	*p = vec[i].iov_base;

			for (size_t j = 0; j < vec[i].iov_len && rc == 0; j++) {
				rc = hs->phase == PHASE_HEAD ?
				    scan_byte_head(hs, p[j]) :
				    chunk_byte(hs, p[j]);
				hs->checked++;
			}
		}
		if (rc == 1 && hs->phase == PHASE_HEAD) {
			if (hs->arrived != NULL && hs->arrived(hs->arrived_arg)) {
				/* Answered and taken (quick.c): the next. */
				headscan_start(hs);
				hs->busy = 1;
				rc = 0;
				continue;
			}
			if (hs->chunked) {
				hs->phase = PHASE_SIZE;
				rc = 0;
				continue;
			}
			hs->active = 0;
		} else if (rc == 1 || rc == 2)
			hs->active = 0;	/* the body is evhttp's from here */
		else if (rc < 0 && hs->phase != PHASE_HEAD) {
			/* evhttp is reading the body: answer and close now. */
			hs->active = 0;
			evbuffer_drain(in, len);
			if (hs->refuse != NULL)
				hs->refuse(hs->arrived_arg);
		} else if (rc < 0) {
			hs->active = 0;
			/*
			 * The end of a socket's input is frozen outside its
			 * reads; its start is not: drain, then prepend.
			 */
			evbuffer_drain(in, len);
			evbuffer_prepend(in, refused, sizeof refused - 1);
		}
	}
}

/* The input buffer changed: bytes read (check them) or taken by evhttp. */
static void
input_cb(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	struct headscan	*hs = arg;

	if (hs->busy)
		return;
	if (info->n_deleted > 0 && hs->checked > 0)
		hs->taken = 1;	/* evhttp reads this head already */
	hs->checked -= info->n_deleted < hs->checked ? info->n_deleted :
	    hs->checked;
	if (!hs->active || info->n_added == 0)
		return;
	hs->busy = 1;
	scan(in, hs);
	hs->busy = 0;
}

void
headscan_watch(struct evbuffer *in, struct headscan *hs,
    int (*arrived)(void *), void (*refuse)(void *), void *arg)
{
	memset(hs, 0, sizeof *hs);
	hs->arrived = arrived;
	hs->refuse = refuse;
	hs->arrived_arg = arg;
	headscan_start(hs);
	evbuffer_add_cb(in, input_cb, hs);
}

/*
 * A request was answered and the next may follow: what evhttp has not
 * read yet starts the next head; check it now, before evhttp goes on.
 */
void
headscan_next(struct evbuffer *in, struct headscan *hs)
{
	headscan_start(hs);
	hs->busy = 1;
	scan(in, hs);
	hs->busy = 0;
}

/* The connection is going: its input must no longer reach hs. */
void
headscan_unwatch(struct evbuffer *in, struct headscan *hs)
{
	evbuffer_remove_cb(in, input_cb, hs);
}
