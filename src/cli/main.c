/* pactscan: check news reports against the clauses of a peace agreement. */
#include "cli.h"

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
	int rc = options_parse(&o, argc, argv);
	if (rc < 0)
		rc = run_command(&o);
	options_free(&o);
	return rc;
}
