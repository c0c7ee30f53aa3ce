/**
 * @file pactscan.h
 * pactscan: check news reports against the clauses of a peace agreement.
 *
 * Load rules with ps_ruleset_load(), create a ps_scanner per thread, scan
 * documents with ps_scanner_scan() or ps_scanner_scan_fd(), and receive each
 * ps_finding in a callback.
 */
#ifndef PACTSCAN_H
#define PACTSCAN_H

#include "status.h"
#include "diag.h"
#include "ruleset.h"
#include "segment.h"
#include "scanner.h"

#endif
