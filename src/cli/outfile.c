#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A signal handler can reach only static storage: the name of the one
 * temporary file a run has open, for the handler to remove. */
static char pending_tmp[PATH_MAX];
static volatile sig_atomic_t pending;
static struct sigaction saved[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	if (pending)
		unlink(pending_tmp);
	/* Die of the signal as if it had not been caught, so the caller
	 * sees the usual status. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void watch_signals(const char *tmp)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	snprintf(pending_tmp, sizeof pending_tmp, "%s", tmp);
	pending = 1;
	for (int i = 0; i < 3; i++) {
		sigaction(caught[i], NULL, &saved[i]);
		/* A signal the caller ignores (nohup, a background job) stays ignored. */
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
	}
}

static void unwatch_signals(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(caught[i], &saved[i], NULL);
	pending = 0;
}

int outfile_open(outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dir_len;
	if (!*base) {
		fprintf(stderr, "pactscan: -o %s: name a file, not a directory\n", path);
		return -1;
	}
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (exists && !S_ISREG(sb.st_mode)) {
		/* A device or a FIFO (-o /dev/stdout, a named pipe): renaming a
		 * file over it would put a file in its place (as root, even over
		 * /dev/null). Write to it directly; a directory fails here, not
		 * after the scan. */
		o->f = fopen(path, "w");
		if (!o->f) {
			fprintf(stderr, "pactscan: cannot write %s: %s\n", path, strerror(errno));
			return -1;
		}
		o->path = strdup(path);
		if (!o->path) {
			fputs("pactscan: out of memory\n", stderr);
			fclose(o->f);
			o->f = NULL;
			return -1;
		}
		return 0;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 16);
	if (!o->path || !o->tmp) {
		fputs("pactscan: out of memory\n", stderr);
		goto fail;
	}
	/* Hidden, so a scan of the same directory skips it. */
	snprintf(o->tmp, strlen(path) + 16, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
	if (strlen(o->tmp) >= sizeof pending_tmp) {
		fprintf(stderr, "pactscan: -o %s: the name is too long\n", path);
		goto fail;
	}
	/* The signals wait while the file is made and its name handed to the
	 * handler: one that came in between ended the run by default and left
	 * the file behind (a test that signals as soon as the file shows saw
	 * it now and then). No other thread runs yet to take them. */
	sigset_t block, old;
	sigemptyset(&block);
	for (int i = 0; i < 3; i++)
		sigaddset(&block, caught[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	int fd = mkstemp(o->tmp);
	if (fd >= 0)
		watch_signals(o->tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		fprintf(stderr, "pactscan: cannot write %s: %s\n", path, strerror(errno));
		goto fail;
	}
	/* mkstemp makes it 0600; give the report the mode a new file (or the
	 * file it replaces) would have. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, exists ? (sb.st_mode & 07777) : (0666 & ~mask));
	o->f = fdopen(fd, "w");
	if (!o->f) {
		fprintf(stderr, "pactscan: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		unwatch_signals();
		goto fail;
	}
	return 0;
fail:
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return -1;
}

int outfile_check(const char *path, const char *what)
{
	int rc = -1;
	char *dir = NULL;
	struct stat sb;
	if (!path || !strcmp(path, "-"))
		return 0;
	const char *slash = strrchr(path, '/');
	bool exists = stat(path, &sb) == 0;
	if ((slash && !slash[1]) || (exists && S_ISDIR(sb.st_mode))) {
		fprintf(stderr, "pactscan: %s %s: name a file, not a directory\n", what, path);
		goto out;
	}
	dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	if (!dir) {
		fputs("pactscan: out of memory\n", stderr);
		goto out;
	}
	/* A device or a FIFO is written directly; a file goes through a
	 * temporary file beside it. */
	if ((!exists || S_ISREG(sb.st_mode)) && access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "pactscan: %s %s: cannot write in %s: %s\n", what, path, dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

int outfile_commit(outfile *o)
{
	int rc = 0;
	if (!o->path) {
		if (fflush(o->f) != 0 || ferror(o->f)) {
			if (errno != EPIPE)
				fprintf(stderr, "pactscan: cannot write the report: %s\n", strerror(errno));
			rc = -1;
		}
		return rc;
	}
	if (!o->tmp) {
		/* Written directly: nothing to sync (a FIFO or a device cannot) or rename. */
		bool failed = fflush(o->f) != 0 || ferror(o->f);
		int err = errno;
		if (fclose(o->f) != 0 && !failed) {
			failed = true;
			err = errno;
		}
		if (failed && err != EPIPE)
			fprintf(stderr, "pactscan: cannot write %s: %s\n", o->path, strerror(err));
		free(o->path);
		memset(o, 0, sizeof(*o));
		return failed ? -1 : 0;
	}
	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0) {
		fprintf(stderr, "pactscan: cannot write %s: %s\n", o->path, strerror(errno));
		outfile_abort(o);
		return -1;
	}
	int closed = fclose(o->f);
	o->f = NULL;
	if (closed != 0 || rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "pactscan: cannot write %s: %s\n", o->path, strerror(errno));
		rc = -1;
		unlink(o->tmp);
	} else {
		/* The rename lives in the directory: sync it too, or a crash can
		 * lose the new name. Best effort: not every file system allows it. */
		const char *slash = strrchr(o->path, '/');
		char *dir = slash ? strndup(o->path, (size_t)(slash - o->path) + 1) : strdup(".");
		int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	unwatch_signals();
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

void outfile_abort(outfile *o)
{
	if (!o->path) {
		memset(o, 0, sizeof(*o));
		return;
	}
	if (o->f)
		fclose(o->f);
	if (o->tmp) {
		unlink(o->tmp);
		unwatch_signals();
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int outfile_flush_stdout(void)
{
	/* A failed write leaves the error flag set and the buffer empty, so
	 * fflush alone can succeed after it. */
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno != EPIPE)
		fprintf(stderr, "pactscan: cannot write to standard output: %s\n", strerror(errno));
	return -1;
}
