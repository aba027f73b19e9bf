/*
 * atom.c: the Atom feed (RFC 4287) of a programme's releases, one entry a
 * release, in Swedish or English. Its words are the table below; what the
 * organisers wrote (titles, rooms) is escaped, and characters XML 1.0
 * cannot hold are left out, so the feed is always well-formed. Entries are
 * named by the release's uid, which no later release or host changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"
#include "store-release.h"

struct feed_words {
	const char	*lang;
	const char	*title;		/* of the feed, after the event's name */
	const char	*release;	/* "Release", before its number */
	const char	*nothing;	/* a release that changed no session */
	const char	*from, *to;
	const char	*kinds[5];	/* as kind_names */
};

static const char *const kind_names[] = { RELEASE_NEW, RELEASE_CANCELLED,
	RELEASE_MOVED, RELEASE_ROOM, RELEASE_CHANGED };

static const struct feed_words words[] = {
	{ .lang = "sv", .title = "ändringar i programmet",
	  .release = "Version",
	  .nothing = "Inga pass flyttade, nya eller inställda.",
	  .from = "från", .to = "till",
	  .kinds = { "Nytt", "Inställt", "Flyttat", "Ny lokal", "Ändrat" } },
	{ .lang = "en", .title = "changes to the programme",
	  .release = "Version",
	  .nothing = "No sessions moved, added or cancelled.",
	  .from = "from", .to = "to",
	  .kinds = { "New", "Cancelled", "Moved", "Room changed",
	  "Changed" } },
};

/* The words of a language ("sv" or "en"); NULL for any other. */
static const struct feed_words *
feed_words(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].lang, lang) == 0)
			return &words[i];
	return NULL;
}

int
atom_lang_ok(const char *lang)
{
	return feed_words(lang) != NULL;
}

/* Text as XML character data: escaped, without what XML cannot hold. */
static void
xml_text(struct evbuffer *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c == '&')
			evbuffer_add(b, "&amp;", 5);
		else if (c == '<')
			evbuffer_add(b, "&lt;", 4);
		else if (c == '>')
			evbuffer_add(b, "&gt;", 4);
		else if (c == '"')
			evbuffer_add(b, "&quot;", 6);
		else if (c < 0x20 && c != '\t' && c != '\n')
			continue;	/* CR too: XML would read it as LF */
		else if (c == 0xef && (unsigned char)s[1] == 0xbf &&
		    ((unsigned char)s[2] == 0xbe || (unsigned char)s[2] == 0xbf))
			s += 2;		/* U+FFFE, U+FFFF */
		else
			evbuffer_add(b, s, 1);
	}
}

static void
xml_element(struct evbuffer *b, const char *name, const char *text)
{
	evbuffer_add_printf(b, "<%s>", name);
	xml_text(b, text);
	evbuffer_add_printf(b, "</%s>\n", name);
}

/* A session's title in the feed's language. */
static const char *
title_in(const json_t *session, const char *lang)
{
	const char	*en = json_string_value(json_object_get(session,
	    "title_en"));

	if (strcmp(lang, "en") == 0 && en != NULL && *en != '\0')
		return en;
	return json_string_value(json_object_get(session, "title"));
}

/* "2027-11-30 10:00" of an ISO time, in the zone it was written in. */
static void
when_text(struct evbuffer *b, const json_t *place)
{
	const char	*iso = json_string_value(json_object_get(place,
	    "starts_at"));
	const char	*room = json_string_value(json_object_get(
	    json_object_get(place, "room"), "name"));

	if (iso == NULL || strlen(iso) < 16)
		return;
	evbuffer_add_printf(b, "%.10s %.5s", iso, iso + 11);
	if (room != NULL) {
		evbuffer_add(b, ", ", 2);
		xml_text(b, room);
	}
}

/* One line per kind of change: "Flyttat: Titel, från … till …". */
static void
change_lines(struct evbuffer *b, const json_t *c, const struct feed_words *w)
{
	const json_t	*kinds = json_object_get(c, "kinds"), *k;
	const json_t	*before = json_object_get(c, "before");
	const json_t	*after = json_object_get(c, "after");
	size_t		 i, n;

	json_array_foreach(kinds, i, k) {
		for (n = 0; n < 5; n++)
			if (strcmp(json_string_value(k), kind_names[n]) == 0)
				break;
		if (n == 5)
			continue;
		evbuffer_add_printf(b, "%s: ", w->kinds[n]);
		xml_text(b, title_in(json_object_get(c, "session"), w->lang));
		if (json_is_object(before) && json_is_object(after) &&
		    (n == 2 || n == 3)) {
			evbuffer_add_printf(b, ", %s ", w->from);
			when_text(b, before);
			evbuffer_add_printf(b, " %s ", w->to);
			when_text(b, after);
		} else if (json_is_object(after) && n == 0) {
			evbuffer_add(b, ", ", 2);
			when_text(b, after);
		}
		evbuffer_add(b, "\n", 1);
	}
}

static void
entry(struct evbuffer *b, const json_t *r, const char *base,
    const struct feed_words *w)
{
	const json_t	*changes = json_object_get(r, "changes"), *c;
	long long	 number = json_integer_value(json_object_get(r,
	    "number"));
	char		 title[96];
	size_t		 i;

	evbuffer_add_printf(b, "<entry>\n");
	evbuffer_add_printf(b, "<id>urn:uuid:");
	xml_text(b, json_string_value(json_object_get(r, "uid")));
	evbuffer_add_printf(b, "</id>\n");
	snprintf(title, sizeof title, "%s %lld", w->release, number);
	xml_element(b, "title", title);
	xml_element(b, "updated", json_string_value(json_object_get(r,
	    "published_at")));
	evbuffer_add_printf(b, "<link rel=\"alternate\" type=\"text/html\""
	    " href=\"");
	xml_text(b, base);
	evbuffer_add_printf(b, "/changes.html?lang=%s#release-%lld\"/>\n",
	    w->lang, number);
	evbuffer_add_printf(b, "<content type=\"text\">");
	json_array_foreach(changes, i, c)
		change_lines(b, c, w);
	if (json_array_size(changes) == 0)
		xml_text(b, w->nothing);
	evbuffer_add_printf(b, "</content>\n</entry>\n");
}

/*
 * The feed of history (store_release_history()) in lang, its links under
 * base (the public URL). A buffer to free.
 */
struct evbuffer *
atom_feed(const json_t *history, const char *base, const char *lang)
{
	const struct feed_words	*w = feed_words(lang);
	const json_t		*releases = json_object_get(history,
	    "releases"), *r, *ev = json_object_get(history, "event");
	const char		*name = json_string_value(json_object_get(ev,
	    "name"));
	struct evbuffer		*b = evbuffer_new();
	char			 now[32], *title;
	size_t			 i;

	if (w == NULL)
		w = &words[0];
	timefmt_iso(time(NULL), "UTC", now);
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n",
	    w->lang);
	evbuffer_add_printf(b, "<id>");
	xml_text(b, base);
	evbuffer_add_printf(b, "/api/v1/programme/changes.atom?lang=%s</id>\n",
	    w->lang);
	xasprintf(&title, "%s: %s", name != NULL ? name : "", w->title);
	xml_element(b, "title", title);
	free(title);
	r = json_array_get(releases, 0);
	xml_element(b, "updated", r != NULL ? json_string_value(
	    json_object_get(r, "published_at")) : now);
	evbuffer_add_printf(b, "<author><name>");
	xml_text(b, name);
	evbuffer_add_printf(b, "</name></author>\n<link rel=\"self\""
	    " type=\"application/atom+xml\" href=\"");
	xml_text(b, base);
	evbuffer_add_printf(b, "/api/v1/programme/changes.atom?lang=%s\"/>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"", w->lang);
	xml_text(b, base);
	evbuffer_add_printf(b, "/changes.html?lang=%s\"/>\n", w->lang);
	json_array_foreach(releases, i, r)
		entry(b, r, base, w);
	evbuffer_add_printf(b, "</feed>\n");
	return b;
}
