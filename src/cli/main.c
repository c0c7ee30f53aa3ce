/* pactscan: check news reports against the clauses of a peace agreement. */
#include <locale.h>

#include "cli.h"

int main(int argc, char **argv)
{
	cli_options o;
	int rc = options_parse(&o, argc, argv);
	if (rc >= 0)
		return rc;
	switch (o.cmd) {
	case CMD_LINT:
		return cmd_lint(&o);
	case CMD_TEST:
		return cmd_test(&o);
	case CMD_EVAL:
		return cmd_eval(&o);
	case CMD_LIST:
		return cmd_list(&o);
	case CMD_SCAN:
		break;
	}
	return cmd_scan(&o);
}
