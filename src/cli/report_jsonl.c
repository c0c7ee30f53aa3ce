/* --format jsonl: one JSON object per line. Findings carry "type": "finding";
 * per-document records "type": "document" and the closing "type": "summary"
 * carry no "stance" field, so consumers can filter on either. pactscan merge
 * reads these records back. Each finding's line is written as it comes:
 * the document's record, after its findings, needs only their counts. */
#include "jsonfmt.h"
#include "reporter.h"

static void jsonl_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	finding_json_append(b, doc, f, true, r->baseline, r->state);
	JBUF_LIT(b, "\n");
}

static int jsonl_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	return fwrite(bytes, 1, ff->len, r->out) == ff->len ? 0 : -1;
}

static int jsonl_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	jbuf b;
	jbuf_init(&b);
	document_record_append(&b, doc, t, r->sum);
	JBUF_LIT(&b, "\n");
	return jbuf_emit(&b, r->out);
}

static int jsonl_finish(reporter *r, const run_summary *sum)
{
	return json_emit_line(r->out, summary_json(sum, r->timeline, true));
}

static void jsonl_release(reporter *r)
{
	clause_heads_free(r->state);
	r->state = NULL;
}

void reporter_jsonl(reporter *r)
{
	/* Without memory for them, findings write their clause's members. */
	r->state = clause_heads_new(r->sum->rules);
	r->release = jsonl_release;
	r->append = jsonl_append;
	r->place = jsonl_place;
	r->document = jsonl_document;
	r->finish = jsonl_finish;
}
