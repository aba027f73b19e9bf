/*
 * mail-organiser.c: an organiser's message (store-messages.c) as one
 * recipient gets it, in their language: a greeting with their first name,
 * the organiser's words (in English when the recipient registered in
 * English and the organiser wrote them), the recipient's own link to
 * their registration, and the sign-off. The organiser's words are text:
 * escaped in the HTML, a blank line between paragraphs. The console's
 * preview and the mailer both render with this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "schedule.h"
#include "store-messages.h"

enum oword { O_LINK, O_BYE, O_COUNT };

/* Each in Swedish, then English. */
static const char *const owords[O_COUNT][2] = {
	[O_LINK] = { "Här ser du din anmälan, ändrar den eller avbokar:",
	    "See, change or cancel your registration here:" },
	[O_BYE] = { "Hälsningar\nTechtank", "Best regards,\nTechtank" },
};

/* A paragraph of text, its lines broken in the HTML as in the text. */
static void
para(struct sbuf *text, struct sbuf *html, const char *s, size_t len)
{
	char	*p = xstrndup(s, len);

	sbuf_adds(text, p);
	sbuf_adds(text, "\n\n");
	sbuf_adds(html, "<p>");
	mail_html_text(html, p);
	sbuf_adds(html, "</p>\n");
	free(p);
}

/* The organiser's words: a paragraph per run of lines between blank ones. */
static void
body(struct sbuf *text, struct sbuf *html, const char *s)
{
	const char	*start = s, *p;

	while (*start != '\0') {
		while (*start == '\n')
			start++;
		if (*start == '\0')
			break;
		if ((p = strstr(start, "\n\n")) == NULL)
			p = start + strlen(start);
		para(text, html, start, (size_t)(p - start));
		start = p;
	}
}

static const char *
pick(int en, const char *sv, const char *en_text)
{
	return en && en_text != NULL && *en_text != '\0' ? en_text : sv;
}

void
mail_organiser_render(const struct organiser_view *v, struct mail_text *out)
{
	struct sbuf	 text = { 0 }, html = { 0 };
	int		 en = v->lang != NULL && strcmp(v->lang, "en") == 0;
	char		*hello;
	size_t		 len;

	memset(out, 0, sizeof *out);
	out->subject = xstrdup(pick(en, v->msg->subject, v->msg->subject_en));
	sbuf_printf(&html, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>"
	    "<meta charset=\"utf-8\"><title>", en ? "en" : "sv");
	mail_html_text(&html, out->subject);
	sbuf_adds(&html, "</title></head>\n<body>\n");
	xasprintf(&hello, en ? "Hello %s," : "Hej %s!", v->first_name);
	para(&text, &html, hello, strlen(hello));
	free(hello);
	body(&text, &html, pick(en, v->msg->body, v->msg->body_en));
	if (v->link != NULL) {
		sbuf_printf(&text, "%s\n%s\n\n", owords[O_LINK][en], v->link);
		sbuf_adds(&html, "<p>");
		mail_html_text(&html, owords[O_LINK][en]);
		sbuf_adds(&html, "<br>\n<a href=\"");
		mail_html_text(&html, v->link);
		sbuf_adds(&html, "\">");
		mail_html_text(&html, v->link);
		sbuf_adds(&html, "</a></p>\n");
	}
	para(&text, &html, owords[O_BYE][en], strlen(owords[O_BYE][en]));
	sbuf_adds(&html, "</body>\n</html>\n");
	out->text = sbuf_take(&text, &len);
	out->html = sbuf_take(&html, &len);
}
