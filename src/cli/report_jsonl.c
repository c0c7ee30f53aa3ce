/* --format jsonl: one JSON object per line. Findings carry "type": "finding";
 * per-document records "type": "document" and the closing "type": "summary"
 * carry no "stance" field, so consumers can filter on either. pactscan merge
 * reads these records back. */
#include "jsonfmt.h"
#include "reporter.h"

static int jsonl_document(reporter *r, const doc_result *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		if (json_emit_line(r->out, finding_json(doc, &doc->findings[i], true, r->baseline)) != 0)
			return -1;
	return json_emit_line(r->out, document_json(doc, r->sum, true));
}

static int jsonl_finish(reporter *r, const run_summary *sum)
{
	return json_emit_line(r->out, summary_json(sum, r->timeline, true));
}

void reporter_jsonl(reporter *r)
{
	r->document = jsonl_document;
	r->finish = jsonl_finish;
}
