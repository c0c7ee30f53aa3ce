#include "fdread.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

static atomic_bool abandoned;

void fd_read_abandon(void)
{
	atomic_store(&abandoned, true);
}

/* Wait until fd is readable (or hung up): 1; -1 with errno on an error; 0
 * when the run has given up. In steps, so that giving up is seen. */
static int wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	for (;;) {
		if (atomic_load(&abandoned))
			return 0;
		int rc = poll(&pfd, 1, 100);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

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
		int rc = wait_readable(fd);
		if (rc <= 0)
			return rc;
	}
}

ssize_t fd_read_first(int fd, void *buf, size_t len)
{
	ssize_t n = fd_read(fd, buf, len);
	if (n != 0)
		return n;
	int rc = wait_readable(fd);
	if (rc <= 0)
		return rc;
	return fd_read(fd, buf, len);
}
