/*
 * static.c: serves the files of the web root (web/) as they are. Paths are
 * checked before the file system sees them: no "..", no hidden files, no
 * symbolic links out of the root, regular files only. The kernel keeps
 * the lookup beneath the root (openat2 RESOLVE_BENEATH), so a link to a
 * directory outside is refused wherever it is on the path; where openat2
 * is missing, each segment is opened without following links. Pages carry the
 * Content-Security-Policy that keeps user text inert.
 *
 * Without --web-root the daemon serves ./web when it holds index.html (run
 * from the source folder, as the quick start and make demo do), otherwise
 * the pages make install put in TECHTANK_WEB_DIR ($(pkgdatadir)/web, given
 * by Makefile.am).
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

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
	{ ".webmanifest", "application/manifest+json; charset=utf-8" },
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

/* Kernels before 5.6 have no openat2: walk the segments instead. */
static int
open_walk(const char *rel)
{
	char	*copy = xstrdup(rel), *seg, *next;
	int	 dir = root_fd, fd = -1;

	for (seg = copy; seg != NULL; seg = next) {
		if ((next = strchr(seg, '/')) != NULL)
			*next++ = '\0';
		fd = openat(dir, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    (next != NULL ? O_DIRECTORY : 0));
		if (dir != root_fd)
			close(dir);
		if (fd == -1 || next == NULL)
			break;
		dir = fd;
	}
	free(copy);
	return fd;
}

/* Open a file of the web root by its relative path, never leaving it. */
static int
open_beneath(const char *rel)
{
	static __thread int	no_openat2;
	struct open_how		how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long			fd;

	if (!no_openat2) {
		fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
		if (fd != -1 || errno != ENOSYS)
			return (int)fd;
		no_openat2 = 1;
	}
	return open_walk(rel);
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
	fd = open_beneath(rel);
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
