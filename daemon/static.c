/*
 * static.c: serves the files of the web root (web/) as they are. Paths are
 * checked before the file system sees them: no "..", no hidden files, no
 * symbolic links out of the root, regular files only. Pages carry the
 * Content-Security-Policy that keeps user text inert.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "techtankd.h"

#define PAGE_CSP \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; " \
	"script-src 'self'; object-src 'none'; base-uri 'none'; " \
	"frame-ancestors 'none'; form-action 'self'"

static int root_fd = -1;

struct mime {
	const char	*ext;
	const char	*type;
};

static const struct mime mimes[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
	{ ".wav", "audio/wav" },
};

int
static_open_root(const char *dir, char **cause)
{
	root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd == -1) {
		xasprintf(cause, "cannot open the web root %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
mime_type(const char *path)
{
	const char	*dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < sizeof mimes / sizeof mimes[0]; i++)
			if (strcmp(dot, mimes[i].ext) == 0)
				return mimes[i].type;
	return NULL;
}

static void
not_found(struct http_req *hr)
{
	struct evbuffer	*buf = evbuffer_new();

	evbuffer_add_printf(buf, "Not found\n");
	http_reply_data(hr, 404, "text/plain; charset=utf-8", buf);
}

void
static_serve(struct http_req *hr)
{
	struct evbuffer	*buf;
	struct stat	 sb;
	const char	*type;
	char		*rel;
	int		 fd = -1;

	if (hr->path[0] != '/') {
		not_found(hr);
		return;
	}
	if (strcmp(hr->path, "/") == 0 || hr->path[strlen(hr->path) - 1] == '/')
		xasprintf(&rel, "%sindex.html", hr->path + 1);
	else
		rel = xstrdup(hr->path + 1);
	if (!static_path_safe(rel) || (type = mime_type(rel)) == NULL)
		goto missing;
	fd = openat(root_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STATIC_MAX_BYTES)
		goto missing;

	buf = evbuffer_new();
	if (sb.st_size > 0 && evbuffer_add_file(buf, fd, 0, sb.st_size) != 0) {
		evbuffer_free(buf);
		goto missing;
	}
	if (sb.st_size == 0)
		close(fd);
	if (strncmp(type, "text/html", 9) == 0) {
		http_header(hr, "Content-Security-Policy", PAGE_CSP);
		http_header(hr, "X-Frame-Options", "DENY");
	}
	http_header(hr, "Cache-Control", "no-cache");
	free(rel);
	http_reply_data(hr, 200, type, buf);
	return;
missing:
	if (fd != -1)
		close(fd);
	free(rel);
	not_found(hr);
}
