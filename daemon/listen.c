/*
 * listen.c: the listening sockets. Each worker has its own socket on the
 * same address through SO_REUSEPORT, so the kernel spreads connections
 * over the cores.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include "techtankd.h"

/* Bind a socket to host:port (SO_REUSEPORT if shared); -1 with cause. */
static int
bind_socket(const char *host, int port, int shared, int *bound_port,
    char **cause)
{
	struct addrinfo		 hints = { 0 }, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 portstr[16];
	int			 fd = -1, one = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		xasprintf(cause, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof one) == -1) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		xasprintf(cause, "cannot listen on %s:%d: %s", host, port,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	*bound_port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/*
 * A listening socket on host:port that the other workers share through
 * SO_REUSEPORT. The first worker first binds without it: SO_REUSEPORT
 * would let a second techtankd of the same user join the port silently,
 * and split the requests between two databases.
 */
int
listen_socket(const char *host, int port, int first, int *bound_port,
    char **cause)
{
	int	fd;

	if (first) {
		if ((fd = bind_socket(host, port, 0, &port, cause)) == -1)
			return -1;
		close(fd);
	}
	if ((fd = bind_socket(host, port, 1, bound_port, cause)) == -1)
		return -1;
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		xasprintf(cause, "cannot listen on %s:%d: %s", host, port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
