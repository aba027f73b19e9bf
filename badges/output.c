/*
 * output.c: files are written beside their final name and renamed into
 * place only when complete, so a failed run leaves no partial PDF behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "badges.h"

/* A new, empty temporary file next to path; returns its name. */
char *
output_begin(const char *path, char **cause)
{
	char	*tmp;
	int	 fd;

	xasprintf(&tmp, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return NULL;
	}
	fchmod(fd, 0644);
	close(fd);
	return tmp;
}

/* Rename tmp to path when ok, otherwise remove it. Frees tmp. */
int
output_finish(char *tmp, const char *path, int ok, char **cause)
{
	int	rc = 0;

	if (ok && rename(tmp, path) == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		ok = 0;
		rc = -1;
	}
	if (!ok) {
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}
