/* pactscan: check news reports against the clauses of a peace agreement. */
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

/* Started with standard input, output or error closed (`>&-`), the next
 * file opened takes its number: the messages meant for stderr would go into
 * the -o report's temporary file, and a report meant for stdout into
 * whatever file took 1. Hold each closed number with /dev/null opened the
 * other way round, so it stays taken and using it still fails with EBADF,
 * as it would closed: a report to a closed stdout is a write error. */
static void hold_standard_fds(void)
{
	/* In order, so open() returns the lowest free number: fd itself. */
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY) != fd)
			break;
}

static int run_command(const cli_options *o)
{
	switch (o->cmd) {
	case CMD_LINT:
		return cmd_lint(o);
	case CMD_TEST:
		return cmd_test(o);
	case CMD_EVAL:
		return cmd_eval(o);
	case CMD_LIST:
		return cmd_list(o);
	case CMD_MERGE:
		return cmd_merge(o);
	case CMD_SCAN:
	case CMD_BASELINE:
		break;
	}
	return cmd_scan(o);
}

int main(int argc, char **argv)
{
	cli_options o;
	hold_standard_fds();
	int rc = options_parse(&o, argc, argv);
	if (rc < 0)
		rc = run_command(&o);
	options_free(&o);
	return rc;
}
