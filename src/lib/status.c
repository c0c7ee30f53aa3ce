#include "pactscan/status.h"

const char *ps_strerror(ps_status status)
{
	switch (status) {
	case PS_OK: return "success";
	case PS_ERR_NOMEM: return "out of memory";
	case PS_ERR_IO: return "input/output error";
	case PS_ERR_INVALID: return "invalid argument";
	case PS_ERR_RULES: return "the rules have errors";
	case PS_ERR_LIMIT: return "a limit was exceeded";
	case PS_ERR_STOPPED: return "stopped by the caller";
	case PS_ERR_INCOMPLETE: return "the scan is incomplete";
	}
	return "unknown status";
}
