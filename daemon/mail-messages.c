/*
 * mail-messages.c: the words of each message the outbox sends, in Swedish
 * and English: a confirmation (the registration, its price, the link,
 * the passes and the programme attached), a place on the waiting list, a
 * seat from the waiting list, the receipt of a cancellation, the
 * private link sent again to whoever asked for it ("send me my link"), a
 * change to an attendee (what changed, their sessions now) and a session
 * of theirs moved or cancelled by a release of the programme. A pure
 * function of the registration as the API shows it (store-reg-json.c):
 * the subject, the plain text and the HTML, every text from the attendee
 * escaped in the HTML. Tested in tests/unit/test-mime.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "schedule.h"

/* The plain text and the HTML, written side by side. */
struct pair {
	struct sbuf	 text;
	struct sbuf	 html;
	int		 en;
};

enum word {
	W_HELLO, W_THANKS, W_WAITLISTED, W_PROMOTED, W_CANCELLED, W_TICKET,
	W_PEOPLE, W_PERSON, W_PRICE, W_FREE, W_VAT, W_TOTAL, W_PRICE_LINE,
	W_VAT_SUM, W_DUE_BY, W_LINK,
	W_LINK_WAIT, W_PASSES, W_PASS, W_CALENDAR, W_INVOICE, W_CREDIT, W_SUBJ_REMINDER, W_REMINDER,
	W_REMIND_OWED, W_REMIND_PAY, W_REMIND_PAID, W_DUE, W_REGARDS,
	W_CANCELLED_ONE, W_BYE, W_WHEN,
	W_S_CONFIRMED, W_S_WAITLISTED, W_S_CANCELLED,
	W_SUBJ_CONFIRMATION, W_SUBJ_WAITLISTED, W_SUBJ_PROMOTED,
	W_SUBJ_CANCELLED, W_RECEIPT, W_SUBJ_LINK, W_LINK_ASKED, W_LINK_NOT_ME,
	W_SUBJ_CHANGED, W_CHANGED, W_CHANGED_WHAT, W_F_NAME, W_F_TICKET,
	W_F_SESSIONS, W_SESSIONS, W_NO_SESSIONS, W_CHANGED_NOT_ME,
	W_SUBJ_MOVED, W_MOVED, W_MOVED_TO, W_MOVED_WAS, W_MOVED_CANCELLED,
	W_MOVED_BACK,
	W_MOVED_SORRY, W_COUNT
};

/* Each word in Swedish, then English. */
static const char *const words[W_COUNT][2] = {
	[W_HELLO] = { "Hej %s!", "Hello %s," },
	[W_THANKS] = { "Tack för din anmälan till %s. Den är bekräftad.",
	    "Thank you for registering for %s. Your registration is "
	    "confirmed." },
	[W_WAITLISTED] = { "Tack för din anmälan till %s. Just nu är det "
	    "fullt, så du står på väntelistan. Får du en plats skickar vi ett "
	    "nytt mejl med ditt passerkort.",
	    "Thank you for registering for %s. It is full just now, so you "
	    "are on the waiting list. If you get a seat we will send you "
	    "another email with your pass." },
	[W_PROMOTED] = { "Goda nyheter: en plats har blivit ledig på %s, och "
	    "den är din. Din anmälan är nu bekräftad.",
	    "Good news: a seat has become free at %s, and it is yours. Your "
	    "registration is now confirmed." },
	[W_CANCELLED] = { "Din anmälan till %s är avbokad.",
	    "Your registration for %s has been cancelled." },
	[W_CANCELLED_ONE] = { "En deltagare i din anmälan till %s är avbokad; "
	    "de andra behåller sina platser.",
	    "One attendee of your registration for %s has been cancelled; the "
	    "others keep their seats." },
	[W_RECEIPT] = { "Detta är ditt kvitto på avbokningen. Du behöver "
	    "inte göra något mer.",
	    "This is your receipt of the cancellation. There is nothing more "
	    "you need to do." },
	[W_WHEN] = { "När: %s", "When: %s" },
	[W_TICKET] = { "Biljett: %s", "Ticket: %s" },
	[W_PEOPLE] = { "Deltagare:", "Attendees:" },
	[W_PERSON] = { "Deltagare: %s", "Attendee: %s" },
	[W_PRICE] = { "Pris: %s per deltagare, %s exkl. moms",
	    "Price: %s per attendee, %s excluding VAT" },
	[W_FREE] = { "Pris: kostnadsfritt", "Price: free of charge" },
	[W_VAT] = { "Moms (%s %%): %s", "VAT (%s %%): %s" },
	[W_TOTAL] = { "Att betala: %s", "Total: %s" },
	[W_PRICE_LINE] = { "%s: %s exkl. moms", "%s: %s excluding VAT" },
	[W_VAT_SUM] = { "Moms: %s", "VAT: %s" },
	[W_LINK] = { "Här ser du din anmälan, ändrar den eller avbokar:",
	    "See, change or cancel your registration here:" },
	[W_LINK_WAIT] = { "Här ser du din plats i kön, eller avbokar:",
	    "See your place in line, or cancel, here:" },
	[W_PASSES] = { "Passerkorten är bifogade som PDF, ett per deltagare. "
	    "Visa QR-koden i entrén, i telefonen eller utskriven.",
	    "The passes are attached as PDF, one per attendee. Show the QR "
	    "code at the entrance, on your phone or printed." },
	[W_PASS] = { "Ditt passerkort är bifogat som PDF. Visa QR-koden i "
	    "entrén, i telefonen eller utskriven.",
	    "Your pass is attached as PDF. Show the QR code at the entrance, "
	    "on your phone or printed." },
	[W_CALENDAR] = { "Programmet är bifogat som kalenderfil (.ics).",
	    "The programme is attached as a calendar file (.ics)." },
	[W_INVOICE] = { "Fakturan är bifogad som PDF. Ange OCR-numret när ni "
	    "betalar.",
	    "The invoice is attached as PDF. Give its OCR number when you "
	    "pay." },
	[W_CREDIT] = { "Kreditfakturan är bifogad som PDF: den minskar det "
	    "som ska betalas för fakturan den avser.",
	    "The credit note is attached as PDF: it lowers what is to be paid "
	    "for the invoice it refers to." },
	[W_SUBJ_REMINDER] = { "Påminnelse, obetald faktura: %s – %s",
	    "Reminder, unpaid invoice: %s – %s" },
	[W_REMINDER] = { "Vi har ännu inte fått betalt för fakturan för %s. "
	    "Den är bifogad igen.",
	    "We have not yet been paid for the invoice for %s. It is attached "
	    "again." },
	[W_REMIND_OWED] = { "Faktura %s: %s att betala.",
	    "Invoice %s: %s to pay." },
	[W_REMIND_PAY] = { "Betala till bankgiro %s med OCR-nummer %s.",
	    "Pay to bankgiro %s with the OCR number %s." },
	[W_REMIND_PAID] = { "Har ni redan betalat? Då kan ni bortse från den "
	    "här påminnelsen.",
	    "Paid already? Then please ignore this reminder." },
	[W_DUE] = { "Den förföll %s.", "It was due on %s." },
	[W_DUE_BY] = { "Betala senast %s.", "Please pay by %s." },
	[W_REGARDS] = { "Vänliga hälsningar\nTechtank",
	    "Kind regards\nTechtank" },
	[W_BYE] = { "Välkommen!\nTechtank", "Welcome!\nTechtank" },
	[W_S_CONFIRMED] = { "bekräftad", "confirmed" },
	[W_S_WAITLISTED] = { "på väntelistan", "on the waiting list" },
	[W_S_CANCELLED] = { "avbokad", "cancelled" },
	[W_SUBJ_CONFIRMATION] = { "Bekräftelse: %s – %s",
	    "Confirmation: %s – %s" },
	[W_SUBJ_WAITLISTED] = { "Väntelista: %s – %s",
	    "Waiting list: %s – %s" },
	[W_SUBJ_PROMOTED] = { "Du har fått en plats: %s – %s",
	    "You have a seat: %s – %s" },
	[W_SUBJ_CANCELLED] = { "Avbokad: %s – %s", "Cancelled: %s – %s" },
	[W_SUBJ_LINK] = { "Din länk: %s – %s", "Your link: %s – %s" },
	[W_LINK_ASKED] = { "Någon, förhoppningsvis du, bad om länken till din "
	    "anmälan till %s. Här är den.",
	    "Someone, hopefully you, asked for the link to your registration "
	    "for %s. Here it is." },
	[W_LINK_NOT_ME] = { "Bad du inte om den? Då kan du bortse från det här "
	    "mejlet; ingen annan än du får länken.",
	    "Did you not ask for it? Then you can ignore this email; no one "
	    "but you gets the link." },
	[W_SUBJ_CHANGED] = { "Ändrad anmälan: %s – %s",
	    "Registration changed: %s – %s" },
	[W_CHANGED] = { "Din anmälan till %s har ändrats.",
	    "Your registration for %s has been changed." },
	[W_CHANGED_WHAT] = { "Det som har ändrats: %s.", "What changed: %s." },
	[W_F_NAME] = { "namn", "name" },
	[W_F_TICKET] = { "biljett", "ticket" },
	[W_F_SESSIONS] = { "programpunkter", "sessions" },
	[W_SESSIONS] = { "Anmäld till:", "Signed up to:" },
	[W_NO_SESSIONS] = { "Inte anmäld till någon programpunkt.",
	    "Not signed up to any session." },
	[W_CHANGED_NOT_ME] = { "Har du inte ändrat något? Svara på det här "
	    "mejlet, så hjälper vi dig.",
	    "Did you not change anything? Reply to this email and we will "
	    "help you." },
	[W_SUBJ_MOVED] = { "Ändring i programmet: %s – %s",
	    "Programme change: %s – %s" },
	[W_MOVED] = { "Programmet för %s har ändrats, och ändringen gäller "
	    "det du är anmäld till:",
	    "The programme of %s has changed, and the change concerns what "
	    "you are signed up to:" },
	[W_MOVED_TO] = { "%s: nu %s", "%s: now %s" },
	[W_MOVED_WAS] = { "(förut %s)", "(was %s)" },
	[W_MOVED_CANCELLED] = { "%s: inställd", "%s: cancelled" },
	[W_MOVED_BACK] = { "%s: åter på programmet, %s",
	    "%s: back on the programme, %s" },
	[W_MOVED_SORRY] = { "Vi ber om ursäkt för besväret. Din anmälan "
	    "gäller i övrigt som förut.",
	    "We are sorry for the trouble. Your registration otherwise stands "
	    "as before." },
};

static const char *
word(const struct pair *p, enum word w)
{
	return words[w][p->en];
}

/* A word with its "%s" filled in by a, then b; "%%" is '%'. */
static char *
fill(const char *tmpl, const char *a, const char *b)
{
	struct sbuf	 out = { 0 };
	const char	*arg[2] = { a, b };
	size_t		 n = 0, len;

	for (const char *t = tmpl; *t != '\0'; t++) {
		if (t[0] == '%' && t[1] == 's') {
			sbuf_adds(&out, n < 2 && arg[n] != NULL ? arg[n] : "");
			n++;
			t++;
		} else if (t[0] == '%' && t[1] == '%') {
			sbuf_add(&out, "%", 1);
			t++;
		} else
			sbuf_add(&out, t, 1);
	}
	return sbuf_take(&out, &len);
}

/* Text for HTML: & < > " ' as entities. */
static void
html_text(struct sbuf *out, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		case '\n': sbuf_adds(out, "<br>\n"); break;
		default: sbuf_add(out, s, 1);
		}
}

/* html_text() for the other messages' words (mail-organiser.c). */
void
mail_html_text(struct sbuf *out, const char *s)
{
	html_text(out, s);
}

/* A paragraph of text (the attendee's words in it are escaped in HTML). */
static void
para(struct pair *p, const char *text)
{
	sbuf_adds(&p->text, text);
	sbuf_adds(&p->text, "\n\n");
	sbuf_adds(&p->html, "<p>");
	html_text(&p->html, text);
	sbuf_adds(&p->html, "</p>\n");
}

/* A paragraph made from a format with one text argument. */
static void
paraf(struct pair *p, enum word w, const char *arg)
{
	char	*s = fill(word(p, w), arg, NULL);

	para(p, s);
	free(s);
}

static const char *
str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* The organisers' text in the message's language (English when given). */
static const char *
in_lang(const struct pair *p, const json_t *o, const char *sv,
    const char *en)
{
	if (p->en && *str(o, en) != '\0')
		return str(o, en);
	return str(o, sv);
}

/* Öre as money: "1 234,50 kr", or "SEK 1,234.50". */
static void
money(const struct pair *p, int64_t ore, char out[64])
{
	char		 digits[24], grouped[40];
	long long	 kr = (long long)(ore / 100);
	int		 n, j = 0;

	n = snprintf(digits, sizeof digits, "%lld", kr);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[j++] = p->en ? ',' : ' ';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	if (p->en)
		snprintf(out, 64, "SEK %s.%02d", grouped, (int)(ore % 100));
	else
		snprintf(out, 64, "%s,%02d kr", grouped, (int)(ore % 100));
}

static const char *
status_word(const struct pair *p, const char *status)
{
	if (strcmp(status, "confirmed") == 0)
		return word(p, W_S_CONFIRMED);
	if (strcmp(status, "cancelled") == 0)
		return word(p, W_S_CANCELLED);
	return word(p, W_S_WAITLISTED);
}

static char *
person_name(const json_t *a)
{
	char	*s;

	xasprintf(&s, "%s %s", str(a, "first_name"), str(a, "last_name"));
	return s;
}

/* The attendee the message is about; NULL for the whole registration. */
static const json_t *
attendee_of(const struct mail_view *v)
{
	const json_t	*a;
	size_t		 i;

	if (v->attendee <= 0)
		return NULL;
	json_array_foreach(json_object_get(v->reg, "attendees"), i, a)
		if (json_integer_value(json_object_get(a, "id")) ==
		    v->attendee)
			return a;
	return NULL;
}

/* The list of attendees with their status, as lines and as a list. */
static void
people(struct pair *p, const struct mail_view *v, const json_t *one)
{
	const json_t	*list = json_object_get(v->reg, "attendees"), *a;
	char		*name, *line;
	size_t		 i;

	if (one != NULL) {
		name = person_name(one);
		xasprintf(&line, "%s (%s)", name, status_word(p,
		    str(one, "status")));
		paraf(p, W_PERSON, line);
		free(line);
		free(name);
		return;
	}
	sbuf_printf(&p->text, "%s\n", word(p, W_PEOPLE));
	sbuf_printf(&p->html, "<p>%s</p>\n<ul>\n", word(p, W_PEOPLE));
	json_array_foreach(list, i, a) {
		if (strcmp(str(a, "status"), "cancelled") == 0 &&
		    strcmp(v->kind, "cancelled") != 0)
			continue;
		name = person_name(a);
		xasprintf(&line, "%s (%s)", name, status_word(p,
		    str(a, "status")));
		sbuf_printf(&p->text, "- %s\n", line);
		sbuf_adds(&p->html, "<li>");
		html_text(&p->html, line);
		sbuf_adds(&p->html, "</li>\n");
		free(line);
		free(name);
	}
	sbuf_adds(&p->text, "\n");
	sbuf_adds(&p->html, "</ul>\n");
}

/* A line of the price paragraph (taken), in the text and the HTML. */
static void
price_line(struct pair *p, char *line, int first, int last)
{
	sbuf_printf(&p->text, last ? "%s\n\n" : "%s\n", line);
	sbuf_adds(&p->html, first ? "<p>" : "<br>\n");
	if (last)
		sbuf_adds(&p->html, "<strong>");
	html_text(&p->html, line);
	if (last)
		sbuf_adds(&p->html, "</strong></p>\n");
	free(line);
}

/* Attendees on different tickets (one was moved): a line a ticket. */
static void
price_lines(struct pair *p, const json_t *lines)
{
	const json_t	*l;
	char		 unit[64], sub[64], *what;
	size_t		 i;

	json_array_foreach(lines, i, l) {
		money(p, json_integer_value(json_object_get(l, "unit_ore")),
		    unit);
		money(p, json_integer_value(json_object_get(l, "subtotal_ore")),
		    sub);
		xasprintf(&what, "%s (%lld × %s)", in_lang(p,
		    json_object_get(l, "ticket_type"), "name", "name_en"),
		    (long long)json_integer_value(json_object_get(l,
		    "attendees")), unit);
		price_line(p, fill(word(p, W_PRICE_LINE), what, sub), i == 0,
		    0);
		free(what);
	}
}

/* Whether every line is taxed at the first one's rate. */
static int
one_rate(const json_t *lines)
{
	const json_t	*l;
	size_t		 i;

	json_array_foreach(lines, i, l)
		if (json_integer_value(json_object_get(l, "vat_rate")) !=
		    json_integer_value(json_object_get(json_array_get(lines, 0),
		    "vat_rate")))
			return 0;
	return 1;
}

/* What the registration costs, for its contact. */
static void
price(struct pair *p, const json_t *reg)
{
	const json_t	*pr = json_object_get(reg, "price");
	const json_t	*lines = json_object_get(pr, "lines");
	char		 unit[64], sub[64], vat[64], total[64], rate[24];

	if (!json_is_object(pr))
		return;
	if (json_array_size(lines) <= 1 &&
	    json_integer_value(json_object_get(pr, "unit_ore")) == 0) {
		para(p, word(p, W_FREE));
		return;
	}
	money(p, json_integer_value(json_object_get(pr, "vat_ore")), vat);
	money(p, json_integer_value(json_object_get(pr, "total_ore")), total);
	if (json_array_size(lines) > 1) {
		price_lines(p, lines);
		snprintf(rate, sizeof rate, "%lld", (long long)
		    json_integer_value(json_object_get(json_array_get(lines, 0),
		    "vat_rate")));
	} else {
		money(p, json_integer_value(json_object_get(pr, "unit_ore")),
		    unit);
		money(p, json_integer_value(json_object_get(pr,
		    "subtotal_ore")), sub);
		price_line(p, fill(word(p, W_PRICE), unit, sub), 1, 0);
		snprintf(rate, sizeof rate, "%lld", (long long)
		    json_integer_value(json_object_get(pr, "vat_rate")));
	}
	price_line(p, json_array_size(lines) > 1 && !one_rate(lines) ?
	    fill(word(p, W_VAT_SUM), vat, NULL) : fill(word(p, W_VAT), rate,
	    vat), 0, 0);
	price_line(p, fill(word(p, W_TOTAL), total, NULL), 0, 1);
}

/* The manage link: as it is in the text, a link in the HTML. */
static void
link(struct pair *p, const char *intro, const char *url)
{
	sbuf_printf(&p->text, "%s\n%s\n\n", intro, url);
	sbuf_adds(&p->html, "<p>");
	html_text(&p->html, intro);
	sbuf_adds(&p->html, "<br>\n<a href=\"");
	html_text(&p->html, url);
	sbuf_adds(&p->html, "\">");
	html_text(&p->html, url);
	sbuf_adds(&p->html, "</a></p>\n");
}

/* "changed": what changed, and the sessions the attendee has now. */
static void
changed(struct pair *p, const struct mail_view *v, const json_t *one)
{
	static const struct { const char *key; enum word w; } fields[] = {
		{ "name", W_F_NAME }, { "ticket_type", W_F_TICKET },
		{ "sessions", W_F_SESSIONS },
	};
	const json_t	*what = json_object_get(v->params, "changed"), *x;
	struct sbuf	 list = { 0 };
	char		*said;
	size_t		 i, j, len;

	json_array_foreach(what, i, x) {
		for (j = 0; j < sizeof fields / sizeof fields[0]; j++) {
			if (!json_is_string(x) || strcmp(json_string_value(x),
			    fields[j].key) != 0)
				continue;
			if (list.len > 0)
				sbuf_adds(&list, ", ");
			sbuf_adds(&list, word(p, fields[j].w));
		}
	}
	if (list.len > 0) {
		said = sbuf_take(&list, &len);
		paraf(p, W_CHANGED_WHAT, said);
		free(said);
	}
	if (one == NULL)
		return;
	what = json_object_get(one, "sessions");
	if (json_array_size(what) == 0) {
		para(p, word(p, W_NO_SESSIONS));
		return;
	}
	sbuf_printf(&p->text, "%s\n", word(p, W_SESSIONS));
	sbuf_printf(&p->html, "<p>%s</p>\n<ul>\n", word(p, W_SESSIONS));
	json_array_foreach(what, i, x) {
		sbuf_printf(&p->text, "- %s\n", str(x, "title"));
		sbuf_adds(&p->html, "<li>");
		html_text(&p->html, str(x, "title"));
		sbuf_adds(&p->html, "</li>\n");
	}
	sbuf_adds(&p->text, "\n");
	sbuf_adds(&p->html, "</ul>\n");
}

/* Where and when a session is: "2026-05-12 10:00–11:00, Room". */
static char *
place(const json_t *at)
{
	const char	*from = str(at, "starts_at"), *to = str(at, "ends_at");
	const char	*room = str(json_object_get(at, "room"), "name");
	char		*out;

	/* ISO 8601 with an offset: the date, then hours and minutes. */
	if (strlen(from) < 16 || strlen(to) < 16)
		return xstrdup(room);
	xasprintf(&out, "%.10s %.5s–%.5s%s%s", from, from + 11, to + 11,
	    *room != '\0' ? ", " : "", room);
	return out;
}

static int
has_kind(const json_t *change, const char *kind)
{
	const json_t	*k;
	size_t		 i;

	json_array_foreach(json_object_get(change, "kinds"), i, k)
		if (json_is_string(k) && strcmp(json_string_value(k),
		    kind) == 0)
			return 1;
	return 0;
}

/* "session_moved": each session of theirs moved, cancelled or back. */
static void
moved(struct pair *p, const struct mail_view *v)
{
	const json_t	*c;
	char		*now, *was, *line, *tail;
	size_t		 i;

	sbuf_adds(&p->html, "<ul>\n");
	json_array_foreach(json_object_get(v->params, "sessions"), i, c) {
		const char	*title = in_lang(p, c, "title", "title_en");

		if (has_kind(c, "cancelled") || !json_is_object(json_object_get(
		    c, "after")))
			line = fill(word(p, W_MOVED_CANCELLED), title, NULL);
		else if (has_kind(c, "new")) {
			now = place(json_object_get(c, "after"));
			line = fill(word(p, W_MOVED_BACK), title, now);
			free(now);
		} else {
			now = place(json_object_get(c, "after"));
			was = place(json_object_get(c, "before"));
			line = fill(word(p, W_MOVED_TO), title, now);
			tail = fill(word(p, W_MOVED_WAS), was, NULL);
			free(now);
			free(was);
			now = line;
			xasprintf(&line, "%s %s", now, tail);
			free(now);
			free(tail);
		}
		sbuf_printf(&p->text, "- %s\n", line);
		sbuf_adds(&p->html, "<li>");
		html_text(&p->html, line);
		sbuf_adds(&p->html, "</li>\n");
		free(line);
	}
	sbuf_adds(&p->text, "\n");
	sbuf_adds(&p->html, "</ul>\n");
	para(p, word(p, W_MOVED_SORRY));
}

static enum word
subject_word(const char *kind)
{
	if (strcmp(kind, "waitlisted") == 0)
		return W_SUBJ_WAITLISTED;
	if (strcmp(kind, "promoted") == 0)
		return W_SUBJ_PROMOTED;
	if (strcmp(kind, "cancelled") == 0)
		return W_SUBJ_CANCELLED;
	if (strcmp(kind, "link") == 0)
		return W_SUBJ_LINK;
	if (strcmp(kind, "changed") == 0)
		return W_SUBJ_CHANGED;
	if (strcmp(kind, "session_moved") == 0)
		return W_SUBJ_MOVED;
	if (strcmp(kind, "reminder") == 0)
		return W_SUBJ_REMINDER;
	return W_SUBJ_CONFIRMATION;
}

/* The opening words of each kind of message. */
static enum word
intro_word(const char *kind)
{
	if (strcmp(kind, "waitlisted") == 0)
		return W_WAITLISTED;
	if (strcmp(kind, "promoted") == 0)
		return W_PROMOTED;
	if (strcmp(kind, "cancelled") == 0)
		return W_CANCELLED;
	if (strcmp(kind, "link") == 0)
		return W_LINK_ASKED;
	if (strcmp(kind, "changed") == 0)
		return W_CHANGED;
	if (strcmp(kind, "session_moved") == 0)
		return W_MOVED;
	if (strcmp(kind, "reminder") == 0)
		return W_REMINDER;
	return W_THANKS;
}

/* An invoice's number, what it wants, its due date and how to pay it. */
static void
how_to_pay(struct pair *p, const json_t *bill, int64_t owed_ore,
    enum word due)
{
	char	 number[24], owed[64], *line;

	snprintf(number, sizeof number, "%lld", (long long)json_integer_value(
	    json_object_get(bill, "number")));
	money(p, owed_ore, owed);
	line = fill(word(p, W_REMIND_OWED), number, owed);
	para(p, line);
	free(line);
	paraf(p, due, str(bill, "due"));
	line = fill(word(p, W_REMIND_PAY), str(bill, "bankgiro"),
	    str(bill, "ocr"));
	para(p, line);
	free(line);
}

/* "reminder": what is owed on the invoice, and how to pay it. */
static void
reminder(struct pair *p, const struct mail_view *v)
{
	how_to_pay(p, v->params, json_integer_value(json_object_get(v->params,
	    "balance_ore")), W_DUE);
	para(p, word(p, W_REMIND_PAID));
}

/* The invoices attached, each with what to pay, by when and how. */
static void
bills(struct pair *p, const json_t *list)
{
	const json_t	*b;
	size_t		 i;

	json_array_foreach(list, i, b)
		how_to_pay(p, b, json_integer_value(json_object_get(b,
		    "total_ore")), W_DUE_BY);
}

/* The subject, the text and the HTML of the message v describes. */
void
mail_render(const struct mail_view *v, struct mail_text *out)
{
	struct pair	 p = { .en = v->lang != NULL &&
	    strcmp(v->lang, "en") == 0 };
	const json_t	*one = attendee_of(v);
	const json_t	*contact = json_object_get(v->reg, "contact");
	const char	*event = in_lang(&p, v->reg, "event", "event_en");
	const char	*first;
	char		*hello, *name;
	size_t		 len;
	int		 one_gone;

	memset(out, 0, sizeof *out);
	first = one != NULL && v->to_is_attendee ? str(one, "first_name") :
	    str(contact, "first_name");
	/* One colleague cancelled, told to the contact: named, not them. */
	one_gone = one != NULL && !v->to_is_attendee &&
	    strcmp(v->kind, "cancelled") == 0;
	name = one != NULL && (v->to_is_attendee || one_gone) ?
	    person_name(one) : person_name(contact);
	out->subject = fill(word(&p, subject_word(v->kind)), name, event);
	free(name);

	sbuf_printf(&p.html, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>"
	    "<meta charset=\"utf-8\"><title>", p.en ? "en" : "sv");
	html_text(&p.html, out->subject);
	sbuf_adds(&p.html, "</title></head>\n<body>\n");
	hello = fill(word(&p, W_HELLO), first, NULL);
	para(&p, hello);
	free(hello);
	paraf(&p, one_gone ? W_CANCELLED_ONE : intro_word(v->kind), event);
	if (strcmp(v->kind, "cancelled") == 0)
		para(&p, word(&p, W_RECEIPT));
	if (strcmp(v->kind, "session_moved") == 0)
		moved(&p, v);
	if (strcmp(v->kind, "reminder") == 0) {
		reminder(&p, v);
		para(&p, word(&p, W_REGARDS));
		goto end;
	}
	if (v->dates != NULL && *v->dates != '\0')
		paraf(&p, W_WHEN, v->dates);
	paraf(&p, W_TICKET, in_lang(&p, json_object_get(v->reg,
	    "ticket_type"), "name", "name_en"));
	people(&p, v, one);
	if (strcmp(v->kind, "changed") == 0)
		changed(&p, v, one);
	if (one == NULL && strcmp(v->kind, "cancelled") != 0 &&
	    strcmp(v->kind, "link") != 0)
		price(&p, v->reg);
	if (v->link != NULL && (strcmp(v->kind, "cancelled") != 0 || one_gone))
		link(&p, word(&p, strcmp(v->kind, "waitlisted") == 0 ?
		    W_LINK_WAIT : W_LINK), v->link);
	if (v->passes > 1)
		para(&p, word(&p, W_PASSES));
	else if (v->passes == 1)
		para(&p, word(&p, W_PASS));
	if (v->calendar)
		para(&p, word(&p, W_CALENDAR));
	if (v->invoices > 0) {
		para(&p, word(&p, W_INVOICE));
		bills(&p, v->bills);
	}
	if (v->credits > 0)
		para(&p, word(&p, W_CREDIT));
	if (strcmp(v->kind, "link") == 0)
		para(&p, word(&p, W_LINK_NOT_ME));
	if (strcmp(v->kind, "changed") == 0)
		para(&p, word(&p, W_CHANGED_NOT_ME));
	para(&p, word(&p, W_BYE));
end:
	sbuf_adds(&p.html, "</body>\n</html>\n");
	out->text = sbuf_take(&p.text, &len);
	out->html = sbuf_take(&p.html, &len);
}

void
mail_text_clear(struct mail_text *t)
{
	free(t->subject);
	free(t->text);
	free(t->html);
	memset(t, 0, sizeof *t);
}
