/* --format sarif: SARIF 2.1.0, one run. The rules are the clauses reported;
 * each finding is a result on its document's artifact, with its region in
 * lines, code-point columns (columnKind unicodeCodePoints) and bytes.
 * Levels: a finding that fails the run (--fail-on, and new against
 * --baseline) is "error", another conflict "warning", a support "note".
 * Results are written as findings are reported; the artifacts (the
 * documents with findings) and the notifications (the documents not
 * scanned) follow them. */
#include <stdlib.h>
#include <string.h>

#include "jsonfmt.h"
#include "reporter.h"

typedef struct sarif_state {
	size_t *rule_index;        /* by clause index; set by begin(), then only read */
	size_t results, artifacts;
	bool in_artifacts;         /* the document being reported has its artifact */
	json_t *artifact_list, *notifications;
	bool unsuccessful;         /* some document was not (fully) scanned */
} sarif_state;

/* A URI reference for a document name: each byte but the unreserved ones
 * and '/' percent-encoded; absolute paths as file:// URIs. */
char *sarif_uri(const char *name, size_t *len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *uri = malloc(n * 3 + 8);
	if (!uri)
		return NULL;
	size_t o = 0;
	if (name[0] == '/') {
		memcpy(uri, "file://", 7);
		o = 7;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/') {
			uri[o++] = (char)c;
		} else {
			uri[o++] = '%';
			uri[o++] = hex[c >> 4];
			uri[o++] = hex[c & 15];
		}
	}
	*len = o;
	return uri;
}

static json_t *uri_json(const char *name)
{
	size_t len;
	char *uri = sarif_uri(name, &len);
	json_t *j = uri ? json_stringn(uri, len) : NULL;
	free(uri);
	return j;
}

/* "p03-ceasefire" -> "P03Ceasefire": SARIF rule names are identifiers. */
static json_t *rule_name(const char *id)
{
	size_t len = strlen(id), o = 0;
	char *name = malloc(len + 1);
	bool up = true;
	if (!name)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum) {
			up = true;
			continue;
		}
		name[o++] = up && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		up = false;
	}
	json_t *j = o ? json_stringn(name, o) : json_string(id);
	free(name);
	return j;
}

static json_t *text_json(const char *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "text", jcstr(s && *s ? s : "(none)"));
	return o;
}

static json_t *rules_json(reporter *r, sarif_state *st)
{
	const ps_ruleset *rules = r->sum->rules;
	json_t *list = json_array();
	size_t k = 0;
	for (size_t i = 0; list && i < ps_ruleset_clause_count(rules); i++) {
		if (!summary_selected(r->sum, i))
			continue;
		const ps_clause *c = ps_ruleset_clause(rules, i);
		json_t *rule = json_object(), *props = json_object(), *owed = json_array();
		json_object_set_new(rule, "id", jcstr(ps_clause_id(c)));
		json_object_set_new(rule, "name", rule_name(ps_clause_id(c)));
		json_object_set_new(rule, "shortDescription", text_json(ps_clause_title(c)));
		json_object_set_new(rule, "fullDescription", text_json(ps_clause_summary(c)));
		json_object_set_new(rule, "defaultConfiguration", json_pack("{s:s}", "level", "warning"));
		json_object_set_new(props, "point", point_json(c));
		for (size_t p = 0; p < ps_clause_owed_by_count(c); p++)
			json_array_append_new(owed, jcstr(ps_clause_owed_by(c, p)));
		json_object_set_new(props, "owed_by", owed);
		json_object_set_new(rule, "properties", props);
		json_array_append_new(list, rule);
		st->rule_index[i] = k++;
	}
	return list;
}

static int sarif_begin(reporter *r)
{
	sarif_state *st = r->state;
	json_t *driver = json_object(), *props = json_object();
	if (!driver || !props) {
		json_decref(driver);
		json_decref(props);
		return -1;
	}
	json_object_set_new(driver, "name", json_string("pactscan"));
	json_object_set_new(driver, "version", json_string(PS_VERSION));
	json_object_set_new(driver, "semanticVersion", json_string(PS_VERSION));
	json_object_set_new(driver, "rules", rules_json(r, st));
	json_object_set_new(props, "rules", jcstr(ps_ruleset_name(r->sum->rules)));
	json_object_set_new(props, "rules_version", jcstr(ps_ruleset_version(r->sum->rules)));
	json_object_set_new(driver, "properties", props);
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
	      "\"tool\":{\"driver\":", r->out);
	int rc = json_dumpf(driver, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(driver);
	fputs("},\"columnKind\":\"unicodeCodePoints\",\"results\":[", r->out);
	return rc || ferror(r->out) ? -1 : 0;
}

void sarif_sentence_end(const cli_finding *f, uint64_t *line, uint64_t *column)
{
	uint64_t l = f->line, c = f->char_column;
	bool after_cr = false;
	for (size_t i = 0; i < f->sentence_len; i++) {
		unsigned char b = (unsigned char)f->sentence[i];
		if (b == '\n') {
			if (!after_cr) {
				l++;
				c = 1;
			}
			after_cr = false;
		} else if (b == '\r') {
			l++;
			c = 1;
			after_cr = true;
		} else {
			after_cr = false;
			if ((b & 0xC0) != 0x80)
				c++;
		}
	}
	*line = l;
	*column = c;
}

void sarif_fingerprint(const doc_result *doc, const cli_finding *f, char hex[17])
{
	const char *parts[] = { doc->name, ps_clause_id(f->clause), f->signal };
	uint64_t h = 14695981039346656037ull;
	for (size_t p = 0; p < 4; p++) {
		const char *s = p < 3 ? parts[p] : f->sentence;
		size_t n = p < 3 ? strlen(s) + 1 : f->sentence_len;
		for (size_t i = 0; i < n; i++) {
			h ^= (unsigned char)s[i];
			h *= 1099511628211ull;
		}
	}
	/* "%016llx", without snprintf's parsing (a third of the fingerprint). */
	static const char digits[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, h >>= 4)
		hex[i] = digits[h & 15];
	hex[16] = '\0';
}

static void add_cstr(char *text, size_t *o, const char *s)
{
	bytes_append(text, o, s, strlen(s));
}

char *sarif_message(const cli_finding *f, size_t *len)
{
	/* "%s %s%s: %s. Certainty: %s%s%.*s%s; signal %s.", put together
	 * without snprintf, whose parsing was most of a message's cost. */
	const ps_clause *c = f->clause;
	char point[32];
	size_t point_len = 0;
	if (ps_clause_point(c) > 0) {
		char digits[12];
		size_t nd = 0;
		for (unsigned v = (unsigned)ps_clause_point(c); v; v /= 10)
			digits[nd++] = (char)('0' + v % 10);
		bytes_append(point, &point_len, "point ", 6);
		while (nd)
			point[point_len++] = digits[--nd];
		bytes_append(point, &point_len, ", ", 2);
	}
	const char *certainty = ps_certainty_name(f->certainty);
	/* A source phrase is cut at a NUL byte, as "%.*s" cut it. */
	size_t source_len = f->source ? strnlen(f->source, f->source_len) : 0;
	size_t n = point_len + strlen(ps_clause_id(c)) + strlen(ps_clause_title(c)) + strlen(certainty) +
	           strlen(f->signal) + source_len + 96;
	char *text = malloc(n);
	size_t o = 0;
	if (!text)
		return NULL;
	if (f->stance == PS_STANCE_SUPPORT)
		bytes_append(text, &o, "Supports ", 9);
	else
		bytes_append(text, &o, "Conflicts with ", 15);
	bytes_append(text, &o, point, point_len);
	add_cstr(text, &o, ps_clause_id(c));
	bytes_append(text, &o, ": ", 2);
	add_cstr(text, &o, ps_clause_title(c));
	bytes_append(text, &o, ". Certainty: ", 13);
	add_cstr(text, &o, certainty);
	if (f->source) {
		bytes_append(text, &o, " (", 2);
		bytes_append(text, &o, f->source, source_len);
		bytes_append(text, &o, ")", 1);
	}
	bytes_append(text, &o, "; signal ", 9);
	add_cstr(text, &o, f->signal);
	bytes_append(text, &o, ".", 1);
	text[o] = '\0';
	*len = o;
	return text;
}

const char *sarif_level(const cli_finding *f)
{
	return f->fails ? "error" : f->stance == PS_STANCE_CONFLICT ? "warning" : "note";
}

/* Written directly, not as a jansson tree (27 microseconds a finding: a
 * SARIF report took twice as long as JSON Lines); test_jsonbuf.c keeps the
 * tree this replaced and compares. */
int sarif_result_append(jbuf *b, const doc_result *doc, const cli_finding *f, size_t rule_index, bool baseline,
                        size_t *hole)
{
	size_t message_len, uri_len;
	char *message = sarif_message(f, &message_len), *uri = sarif_uri(doc->name, &uri_len);
	char fingerprint[17];
	uint64_t end_line, end_column;
	int rc = -1;
	if (!message || !uri)
		goto out;
	sarif_sentence_end(f, &end_line, &end_column);
	sarif_fingerprint(doc, f, fingerprint);
	JBUF_LIT(b, "{\"ruleId\":");
	jbuf_cstr(b, ps_clause_id(f->clause));
	JBUF_LIT(b, ",\"ruleIndex\":");
	jbuf_uint(b, rule_index);
	JBUF_LIT(b, ",\"level\":");
	jbuf_cstr(b, sarif_level(f));
	JBUF_LIT(b, ",\"message\":{\"text\":");
	jbuf_str(b, message, message_len);
	JBUF_LIT(b, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	jbuf_str(b, uri, uri_len);
	JBUF_LIT(b, ",\"index\":");
	*hole = b->len;
	JBUF_LIT(b, "},\"region\":{\"startLine\":");
	jbuf_uint(b, f->line);
	JBUF_LIT(b, ",\"startColumn\":");
	jbuf_uint(b, f->char_column);
	JBUF_LIT(b, ",\"endLine\":");
	jbuf_uint(b, end_line);
	JBUF_LIT(b, ",\"endColumn\":");
	jbuf_uint(b, end_column);
	JBUF_LIT(b, ",\"byteOffset\":");
	jbuf_uint(b, f->start);
	JBUF_LIT(b, ",\"byteLength\":");
	jbuf_uint(b, f->end - f->start);
	JBUF_LIT(b, ",\"snippet\":{\"text\":");
	jbuf_str(b, f->sentence, f->sentence_len);
	JBUF_LIT(b, "}}}}],\"partialFingerprints\":{\"pactscanFinding/v1\":");
	jbuf_str(b, fingerprint, 16);
	JBUF_LIT(b, "}");
	if (baseline) {
		JBUF_LIT(b, ",\"baselineState\":");
		jbuf_cstr(b, f->is_new ? "new" : "unchanged");
	}
	JBUF_LIT(b, ",\"properties\":{");
	stance_append(b, f);
	JBUF_LIT(b, ",\"cues\":");
	cues_and_source_append(b, f);
	JBUF_LIT(b, ",\"point\":");
	point_append(b, f->clause);
	weight_append(b, f->weight);
	JBUF_LIT(b, "}}");
	rc = b->failed ? -1 : 0;
out:
	free(message);
	free(uri);
	return rc;
}

static json_t *notification_json(const doc_result *doc)
{
	json_t *msg = json_object();
	size_t n = strlen(doc->name) + (doc->skipped ? strlen(doc->skipped) : 0) + 64;
	char *text = malloc(n);
	if (!msg || !text) {
		json_decref(msg);
		free(text);
		return NULL;
	}
	snprintf(text, n, "%s: %s", doc->skipped ? "not scanned" : "not fully scanned",
	         doc->skipped ? doc->skipped : "a match limit or a read error cut the scan; see stderr");
	json_object_set_new(msg, "text", jcstr(text));
	free(text);
	json_t *loc = json_pack("[{s:{s:{s:o}}}]", "physicalLocation", "artifactLocation", "uri", uri_json(doc->name));
	return json_pack("{s:s,s:o,s:o}", "level", "error", "message", msg, "locations", loc);
}

/* A result with a hole for its artifact's index, which is known only in
 * report order. */
static void sarif_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	const sarif_state *st = r->state;
	if (sarif_result_append(b, doc, f, st->rule_index[ps_clause_index(f->clause)], r->baseline, hole) != 0)
		b->failed = true;
}

static int sarif_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	sarif_state *st = r->state;
	if (!st->in_artifacts) {
		json_t *a = json_object();
		json_object_set_new(a, "location", json_pack("{s:o}", "uri", uri_json(doc->name)));
		json_object_set_new(a, "properties", meta_json(&doc->meta));
		json_array_append_new(st->artifact_list, a);
		st->artifacts++;
		st->in_artifacts = true;
	}
	fputs(st->results++ ? ",\n" : "\n", r->out);
	if (ff->hole > ff->len || fwrite(bytes, 1, ff->hole, r->out) != ff->hole)
		return -1;
	fprintf(r->out, "%zu", st->artifacts - 1);
	size_t rest = ff->len - ff->hole;
	return fwrite(bytes + ff->hole, 1, rest, r->out) == rest ? 0 : -1;
}

static int sarif_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	sarif_state *st = r->state;
	if (doc->skipped || doc->incomplete) {
		st->unsuccessful = true;
		json_array_append_new(st->notifications, notification_json(doc));
	}
	st->in_artifacts = false;
	return ferror(r->out) ? -1 : 0;
}

static int sarif_finish(reporter *r, const run_summary *sum)
{
	sarif_state *st = r->state;
	json_t *inv = json_pack("[{s:b,s:O}]", "executionSuccessful", !st->unsuccessful, "toolExecutionNotifications",
	                        st->notifications);
	json_t *props = json_object();
	json_object_set_new(props, "summary", summary_json(sum, r->timeline, false));
	fputs(st->results ? "\n],\"artifacts\":" : "],\"artifacts\":", r->out);
	int rc = json_dumpf(st->artifact_list, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs(",\"invocations\":", r->out);
	rc |= inv ? json_dumpf(inv, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
	fputs(",\"properties\":", r->out);
	rc |= json_dumpf(props, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs("}]}\n", r->out);
	json_decref(inv);
	json_decref(props);
	return rc || ferror(r->out) ? -1 : 0;
}

static void sarif_release(reporter *r)
{
	sarif_state *st = r->state;
	if (st) {
		free(st->rule_index);
		json_decref(st->artifact_list);
		json_decref(st->notifications);
	}
	free(st);
	r->state = NULL;
}

int reporter_sarif(reporter *r)
{
	sarif_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	r->state = st;
	r->release = sarif_release;
	st->rule_index = calloc(ps_ruleset_clause_count(r->sum->rules) + 1, sizeof(size_t));
	st->artifact_list = json_array();
	st->notifications = json_array();
	if (!st->rule_index || !st->artifact_list || !st->notifications)
		return -1;
	r->begin = sarif_begin;
	r->append = sarif_append;
	r->place = sarif_place;
	r->document = sarif_document;
	r->finish = sarif_finish;
	return 0;
}
