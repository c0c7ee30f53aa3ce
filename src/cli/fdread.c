#include "fdread.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

ssize_t fd_read(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* POLLHUP and POLLERR end the wait too; the next read tells. */
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

ssize_t fd_read_first(int fd, void *buf, size_t len)
{
	ssize_t n = fd_read(fd, buf, len);
	if (n != 0)
		return n;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	return fd_read(fd, buf, len);
}
