#define _GNU_SOURCE        /* O_TMPFILE */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void spool_init(spool *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

bool spool_empty(const spool *s)
{
	return s->len == 0 && s->spilled == 0;
}

/* An unlinked file: nothing is left behind, whatever ends the run. */
static int open_file(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	/* A file that never has a name: a signal between a named file's
	 * creation and its unlink left it behind (threads run by now, so
	 * blocking the signals here would not hold them off). File systems
	 * without it fall back to the named file. */
	int tfd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (tfd >= 0)
		return tfd;
#endif
	size_t n = strlen(dir) + sizeof "/pactscan-XXXXXX";
	char *path = malloc(n);
	if (!path)
		return -1;
	snprintf(path, n, "%s/pactscan-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd >= 0) {
		unlink(path);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(path);
	return fd;
}

static int put_all(int fd, const char *data, size_t len, uint64_t at)
{
	while (len) {
		ssize_t n = pwrite(fd, data, len, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
		at += (uint64_t)n;
	}
	return 0;
}

/* Move the buffered bytes to the file. */
static int spill(spool *s)
{
	if (put_all(s->fd, s->buf, s->len, s->spilled) != 0)
		return -1;
	s->spilled += s->len;
	s->len = 0;
	return 0;
}

static int reserve(spool *s, size_t need)
{
	if (need <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 4096;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(s->buf, cap);
	if (!grown)
		return -1;
	s->buf = grown;
	s->cap = cap;
	return 0;
}

int spool_write(spool *s, const char *data, size_t len)
{
	if (s->len + len > SPOOL_MEMORY && !s->no_file) {
		if (s->fd < 0 && (s->fd = open_file()) < 0)
			s->no_file = true; /* correct output first: keep it in memory */
		else if (spill(s) != 0)
			return -1;
		if (len > SPOOL_MEMORY && !s->no_file) {
			if (put_all(s->fd, data, len, s->spilled) != 0)
				return -1;
			s->spilled += len;
			return 0;
		}
	}
	if (reserve(s, s->len + len) != 0) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

int spool_copy(spool *s, FILE *out)
{
	int rc = -1;
	if (s->spilled) {
		if (spill(s) != 0 || reserve(s, SPOOL_MEMORY) != 0)
			goto out;
		for (uint64_t at = 0; at < s->spilled;) {
			ssize_t n = pread(s->fd, s->buf, s->cap, (off_t)at);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				errno = n == 0 ? EIO : errno;
				goto out;
			}
			if (fwrite(s->buf, 1, (size_t)n, out) != (size_t)n)
				goto out;
			at += (uint64_t)n;
		}
	} else if (s->len && fwrite(s->buf, 1, s->len, out) != s->len) {
		goto out;
	}
	rc = 0;
out:
	/* Empty either way: a failed report stops at the first error. */
	if (s->spilled && ftruncate(s->fd, 0) != 0)
		rc = -1;
	s->spilled = 0;
	s->len = 0;
	return rc;
}

void spool_free(spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	spool_init(s);
}

spool *spool_array_new(size_t n)
{
	spool *s = calloc(n + 1, sizeof(*s)); /* + 1: calloc(0) may return NULL */
	for (size_t i = 0; s && i < n; i++)
		spool_init(&s[i]);
	return s;
}

void spool_array_free(spool *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		spool_free(&s[i]);
	free(s);
}
