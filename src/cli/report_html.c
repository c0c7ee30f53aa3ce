/* --format html: one self-contained page that shows where the plan stands:
 * a clause-by-stance heatmap of the run, a timeline per clause drawn as
 * inline SVG (with its numbers as a table), and the evidence, clause by
 * clause, each finding's sentence with the matched words and the deciding
 * cues marked. Nothing is fetched: the CSS is inline, there is no script,
 * font or image, and the page reads on a phone, a laptop and paper.
 *
 * The page opens with what is only known at the end (the counts), and
 * groups findings by clause while documents arrive in document order; so
 * each clause's findings are written to spools (spool.h) as documents are
 * reported and copied out at the end. A spool keeps 64 KiB in memory and
 * the rest in a temporary file: a month of news makes a page too long to
 * read, but not a run that memory cannot hold.
 *
 * A finding's list item is formatted on the thread that scanned it
 * (append()), its number put in and the item filed under its clause on the
 * main thread (place()), as the other writers do.
 *
 * Every piece of document text, metadata, file name and rule text goes
 * through jbuf_html() (report.h): invalid UTF-8 becomes U+FFFD, control
 * characters and noncharacters become U+FFFD, and & < > " ' are escaped
 * everywhere, so the same function serves text and (double-quoted)
 * attribute values. Each finding element carries data-doc, data-clause,
 * data-stance, data-line and data-column so that tests (and other tools)
 * can read the findings back. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"
#include "spool.h"

enum { LIST_CONFLICT, LIST_SUPPORT, LIST_HEDGED, LISTS };

typedef struct html_list {
	spool sp;
	bool used;                 /* written to since the page last copied it */
} html_list;

typedef struct html_state {
	size_t n_clauses;
	html_list *lists;          /* [clause * LISTS + kind] */
	html_list docs;            /* the rows of the documents table */
	size_t findings;           /* finding ids handed out so far */
} html_state;

/* jbuf_html() for a C string; NULL appends nothing. */
static void html_cstr(jbuf *b, const char *s)
{
	if (s)
		jbuf_html(b, s, strlen(s));
}

/* jbuf_html() for the page around the findings, written at the end. Returns
 * 0, or -1 without memory or when the write failed. */
static int put_esc(FILE *out, const char *s, size_t len)
{
	jbuf b;
	jbuf_init(&b);
	jbuf_html(&b, s, len);
	return jbuf_emit(&b, out);
}

/* The same for a C string; NULL writes nothing. */
static int put_cesc(FILE *out, const char *s)
{
	return s ? put_esc(out, s, strlen(s)) : 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Keep bytes in the list. Returns 0, or -1 (errno set). */
static int list_write(html_list *l, const char *bytes, size_t len)
{
	l->used = true;
	return spool_write(&l->sp, bytes, len);
}

/* Copy what the list holds to out, and empty it. */
static int list_copy(FILE *out, html_list *l)
{
	if (!l->used)
		return 0;
	l->used = false;
	return spool_copy(&l->sp, out) != 0 ? -1 : 0;
}

static void list_init(html_list *l)
{
	spool_init(&l->sp);
	l->used = false;
}

static void list_free(html_list *l)
{
	spool_free(&l->sp);
	list_init(l);
}

/* A clause as the page names it: "Point 3" or "Added". */
static void put_point(FILE *out, const ps_clause *c)
{
	if (ps_clause_point(c))
		fprintf(out, "Point %d", ps_clause_point(c));
	else
		fputs("Added", out);
}

/* What covers the bytes [a, b) of the document: MARK_EVIDENCE when a piece
 * of evidence does, plus 1 + the kind of the first cue that does. */
enum { MARK_EVIDENCE = 4, MARK_CUE = 3 };
static const char *const cue_class[] = { "negation", "hedge", "attribution" };

static int mark_kind(const cli_finding *f, uint64_t a, uint64_t b)
{
	int mark = 0;
	for (size_t k = 0; k < f->n_cues && !(mark & MARK_CUE); k++)
		if (f->cues[k].start <= a && f->cues[k].end >= b && f->cues[k].kind <= PS_CUE_ATTRIBUTION)
			mark |= 1 + (int)f->cues[k].kind;
	for (size_t k = 0; k < f->n_evidence && !(mark & MARK_EVIDENCE); k++)
		if (f->evidence[k].start <= a && f->evidence[k].end >= b)
			mark |= MARK_EVIDENCE;
	return mark;
}

/* A word of the page's own (a class, a stance), as it is. */
static void jbuf_word(jbuf *b, const char *s)
{
	jbuf_put(b, s, strlen(s));
}

static void open_mark(jbuf *b, int mark)
{
	if (!mark)
		return;
	JBUF_LIT(b, "<mark class=\"");
	if (mark & MARK_EVIDENCE)
		JBUF_LIT(b, "ev");
	if (mark & MARK_CUE) {
		if (mark & MARK_EVIDENCE)
			JBUF_LIT(b, " ");
		JBUF_LIT(b, "cue cue-");
		jbuf_word(b, cue_class[(mark & MARK_CUE) - 1]);
	}
	JBUF_LIT(b, "\">");
}

/* The text label after a mark, so that colour is not the only signal. */
static void close_mark(jbuf *b, int mark)
{
	if (!mark)
		return;
	JBUF_LIT(b, "</mark><span class=\"lbl\">");
	if (mark & MARK_EVIDENCE) {
		if (mark & MARK_CUE)
			JBUF_LIT(b, "match, ");
		else
			JBUF_LIT(b, "match");
	}
	if (mark & MARK_CUE)
		jbuf_word(b, cue_class[(mark & MARK_CUE) - 1]);
	JBUF_LIT(b, "</span>");
}

/* One finding's sentence: evidence and cues marked. Spans may overlap (a
 * cue inside the act, say), so the sentence is cut at every span's ends
 * and each piece marked by what covers it; a run of pieces marked alike
 * is one <mark>, followed by a text label so that colour is not the only
 * signal. */
static void put_marked(jbuf *b, const cli_finding *f)
{
	/* A finding has a few spans: the cuts fit on the stack. */
	size_t stack[64], n_cut = 0, cap = 2 * (f->n_evidence + f->n_cues) + 2;
	size_t *cut = cap <= sizeof stack / sizeof *stack ? stack : malloc(cap * sizeof(*cut));
	if (!cut) {
		b->failed = true;
		return;
	}
	cut[n_cut++] = 0;
	cut[n_cut++] = f->sentence_len;
	for (size_t i = 0; i < f->n_evidence + f->n_cues; i++) {
		uint64_t a = i < f->n_evidence ? f->evidence[i].start : f->cues[i - f->n_evidence].start;
		uint64_t e = i < f->n_evidence ? f->evidence[i].end : f->cues[i - f->n_evidence].end;
		if (a < f->start)
			a = f->start;
		if (e > held_end(f))
			e = held_end(f);
		if (a >= e)
			continue;
		cut[n_cut++] = (size_t)(a - f->start);
		cut[n_cut++] = (size_t)(e - f->start);
	}
	/* Few cuts: insertion sort. */
	for (size_t i = 1; i < n_cut; i++)
		for (size_t j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
			size_t t = cut[j];
			cut[j] = cut[j - 1];
			cut[j - 1] = t;
		}
	int open = 0; /* what the open <mark> marks (see mark_kind), 0 for none */
	for (size_t i = 0; i + 1 < n_cut; i++) {
		size_t a = cut[i], e = cut[i + 1];
		if (a == e || e > f->sentence_len)
			continue;
		int mark = mark_kind(f, f->start + a, f->start + e);
		if (mark != open) {
			close_mark(b, open);
			open_mark(b, mark);
			open = mark;
		}
		jbuf_html(b, f->sentence + a, e - a);
	}
	close_mark(b, open);
	if (cut != stack)
		free(cut);
}

/* Where a finding is, as its heading and the index of hedged findings
 * show it: "file:line:column". */
static void html_loc(jbuf *b, const doc_result *doc, uint64_t line, uint64_t column)
{
	html_cstr(b, doc->name);
	JBUF_LIT(b, ":");
	jbuf_uint(b, line);
	JBUF_LIT(b, ":");
	jbuf_uint(b, column);
}

/* Only http(s) links are made links: a javascript: or data: URL from a
 * document's front matter must not become something to click. */
static bool safe_url(const char *url)
{
	return url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7));
}

/* A finding's list item. Its id, a number in report order, is place()'s:
 * *hole says where it goes. */
static void html_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	const char *stance = ps_stance_name(f->stance), *certainty = ps_certainty_name(f->certainty);
	JBUF_LIT(b, "<li class=\"finding ");
	jbuf_word(b, stance);
	JBUF_LIT(b, "\" id=\"f");
	*hole = b->len;
	JBUF_LIT(b, "\" data-doc=\"");
	html_cstr(b, doc->name);
	JBUF_LIT(b, "\" data-clause=\"");
	html_cstr(b, ps_clause_id(f->clause));
	JBUF_LIT(b, "\" data-stance=\"");
	jbuf_word(b, stance);
	JBUF_LIT(b, "\" data-certainty=\"");
	jbuf_word(b, certainty);
	JBUF_LIT(b, "\" data-line=\"");
	jbuf_uint(b, f->line);
	JBUF_LIT(b, "\" data-column=\"");
	jbuf_uint(b, f->column);
	JBUF_LIT(b, "\">\n<p class=\"fhead\"><span class=\"badge b-");
	jbuf_word(b, stance);
	JBUF_LIT(b, "\">");
	jbuf_word(b, stance);
	JBUF_LIT(b, "</span> <span class=\"badge b-cert\">");
	jbuf_word(b, certainty);
	JBUF_LIT(b, "</span>");
	if (f->fails)
		JBUF_LIT(b, " <span class=\"badge b-fail\">fails the run</span>");
	if (r->baseline && !f->is_new)
		JBUF_LIT(b, " <span class=\"badge b-base\">in the baseline</span>");
	JBUF_LIT(b, " <code class=\"loc\">");
	html_loc(b, doc, f->line, f->column);
	JBUF_LIT(b, "</code></p>\n<blockquote class=\"sentence\">");
	put_marked(b, f);
	JBUF_LIT(b, "</blockquote>\n<dl class=\"fmeta\">");
	if (f->n_evidence) {
		JBUF_LIT(b, "<dt>matched</dt><dd>");
		size_t shown = 0;
		for (size_t i = 0; i < f->n_evidence; i++) {
			if (f->evidence[i].start < f->start || f->evidence[i].end > held_end(f) ||
			    f->evidence[i].start >= f->evidence[i].end)
				continue;
			if (shown++)
				JBUF_LIT(b, ", <q>");
			else
				JBUF_LIT(b, "<q>");
			jbuf_html(b, f->sentence + (f->evidence[i].start - f->start),
			      (size_t)(f->evidence[i].end - f->evidence[i].start));
			JBUF_LIT(b, "</q>");
		}
		JBUF_LIT(b, "</dd>");
	}
	if (f->n_cues) {
		JBUF_LIT(b, "<dt>cues</dt><dd>");
		for (size_t i = 0; i < f->n_cues; i++) {
			if (i)
				JBUF_LIT(b, ", ");
			jbuf_word(b, cue_kind_name(f->cues[i].kind));
			JBUF_LIT(b, " <q>");
			jbuf_html(b, f->cues[i].text, f->cues[i].len);
			JBUF_LIT(b, "</q>");
		}
		JBUF_LIT(b, "</dd>");
	}
	if (f->source) {
		JBUF_LIT(b, "<dt>source</dt><dd>");
		jbuf_html(b, f->source, f->source_len);
		JBUF_LIT(b, "</dd>");
	}
	JBUF_LIT(b, "<dt>signal</dt><dd><code>");
	html_cstr(b, f->signal);
	JBUF_LIT(b, "</code></dd><dt>document</dt><dd>");
	if (doc->meta.title) {
		JBUF_LIT(b, "<cite>");
		html_cstr(b, doc->meta.title);
		JBUF_LIT(b, "</cite>");
	} else {
		html_cstr(b, doc->name);
	}
	if (doc->meta.date) {
		JBUF_LIT(b, ", <time>");
		html_cstr(b, doc->meta.date);
		JBUF_LIT(b, "</time>");
	}
	if (doc->meta.source) {
		JBUF_LIT(b, ", ");
		html_cstr(b, doc->meta.source);
	}
	if (safe_url(doc->meta.url)) {
		JBUF_LIT(b, " (<a href=\"");
		html_cstr(b, doc->meta.url);
		JBUF_LIT(b, "\" rel=\"noreferrer\">link</a>)");
	}
	JBUF_LIT(b, "</dd></dl>\n</li>\n");
}

/* File a finding under its clause and stance with its id, and a hedged one
 * in its clause's index of hedged findings too. */
static int html_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	html_state *st = r->state;
	size_t id = ++st->findings;
	html_list *l = &st->lists[ff->clause * LISTS + (ff->stance == PS_STANCE_SUPPORT ? LIST_SUPPORT : LIST_CONFLICT)];
	jbuf b;
	jbuf_init(&b);
	jbuf_uint(&b, id);
	size_t id_len = b.len;
	if (ff->hole > ff->len || list_write(l, bytes, ff->hole) != 0 || list_write(l, b.text, id_len) != 0 ||
	    list_write(l, bytes + ff->hole, ff->len - ff->hole) != 0) {
		jbuf_free(&b);
		return -1;
	}
	int rc = 0;
	if (ff->certainty == PS_CERTAINTY_HEDGED) {
		b.len = 0;
		JBUF_LIT(&b, "<li><a href=\"#f");
		jbuf_uint(&b, id);
		JBUF_LIT(&b, "\">");
		html_loc(&b, doc, ff->line, ff->column);
		JBUF_LIT(&b, "</a> (");
		jbuf_word(&b, ps_stance_name(ff->stance));
		JBUF_LIT(&b, ")</li>\n");
		rc = b.failed || list_write(&st->lists[ff->clause * LISTS + LIST_HEDGED], b.text, b.len) != 0 ? -1 : 0;
	}
	jbuf_free(&b);
	return rc;
}

static int html_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	html_state *st = r->state;
	jbuf b;
	jbuf_init(&b);
	/* The documents table's row. */
	JBUF_LIT(&b, "<tr><th scope=\"row\"><code>");
	html_cstr(&b, doc->name);
	JBUF_LIT(&b, "</code>");
	if (doc->meta.title) {
		JBUF_LIT(&b, "<br><cite>");
		html_cstr(&b, doc->meta.title);
		JBUF_LIT(&b, "</cite>");
	}
	JBUF_LIT(&b, "</th><td>");
	html_cstr(&b, doc->meta.date);
	JBUF_LIT(&b, "</td><td>");
	if (doc->skipped) {
		JBUF_LIT(&b, "skipped: ");
		html_cstr(&b, doc->skipped);
		JBUF_LIT(&b, "</td><td class=\"num\">-</td><td class=\"num\">-</td></tr>\n");
	} else {
		verdict v = tally_verdict(t, SIZE_MAX);
		static const char *const vclass[] = { "none", "sup", "con", "mix" };
		JBUF_LIT(&b, "<span class=\"verdict v-");
		jbuf_word(&b, vclass[v < VERDICT_KINDS ? v : 0]);
		JBUF_LIT(&b, "\">");
		jbuf_word(&b, verdict_name(v));
		JBUF_LIT(&b, "</span>");
		if (doc->incomplete)
			JBUF_LIT(&b, " (incomplete)");
		JBUF_LIT(&b, "</td><td class=\"num\">");
		jbuf_uint(&b, t->support);
		JBUF_LIT(&b, "</td><td class=\"num\">");
		jbuf_uint(&b, t->conflict);
		JBUF_LIT(&b, "</td></tr>\n");
	}
	int rc = b.failed || list_write(&st->docs, b.text, b.len) != 0 ? -1 : 0;
	jbuf_free(&b);
	return rc;
}

/* Inline, so that the page needs nothing else. Colours: support blue,
 * conflict vermilion, hedged purple (apart for the common colour-vision
 * deficiencies); every coloured thing also carries its number or a word.
 * Text on the darker heatmap levels is white; each pair meets WCAG AA. */
static const char *const page_css[] = {
	":root{--fg:#1a1a1a;--muted:#555;--line:#c8c8c8;--bg:#fff;--panel:#f6f6f4;"
	"--sup:#1d5fa8;--con:#b0420f;--hdg:#5b3d8f;color-scheme:light}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;"
	"color:var(--fg);background:var(--bg)}\n"
	"header.top,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}\n"
	"header.top{padding-top:1rem}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--fg)}\n"
	"h3{font-size:1.1rem;margin:1.5rem 0 .25rem}h4{font-size:1rem;margin:1rem 0 .25rem}\n"
	".muted,.note{color:var(--muted)}\n"
	"nav.toc ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\n"
	"a{color:#0645ad}a:focus{outline:2px solid #0645ad;outline-offset:2px}\n"
	".stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:1rem 0;padding:0}\n"
	".stats li{list-style:none;background:var(--panel);border:1px solid var(--line);border-left-width:6px;"
	"padding:.5rem .75rem}\n"
	".stats b{display:block;font-size:1.6rem;line-height:1.2}\n"
	".stats .s-sup{border-left-color:var(--sup)}.stats .s-con{border-left-color:var(--con)}"
	".stats .s-hdg{border-left-color:var(--hdg)}\n"
	".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
	"table{border-collapse:collapse;margin:.5rem 0 1rem}\n"
	"caption{text-align:left;font-weight:600;padding:.25rem 0;caption-side:top}\n"
	"th,td{border:1px solid var(--line);padding:.3rem .5rem;vertical-align:top}\n"
	"thead th{background:var(--panel);text-align:left}tbody th[scope=row]{text-align:left;font-weight:normal}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	,
	"table.heatmap{width:100%}\n"
	"table.heatmap th[scope=row]{font-weight:normal;text-align:left}\n"
	"table.heatmap th[scope=row] .pt{display:inline-block;min-width:4.2em;font-weight:600}\n"
	"table.heatmap code{color:var(--muted);font-size:.8em;margin-left:.25em}\n"
	"table.heatmap thead th.c{text-align:center;white-space:nowrap}\n"
	"table.heatmap td.cell{vertical-align:middle;text-align:center;font-weight:600;font-variant-numeric:tabular-nums;width:6.5rem}\n"
	"table.heatmap td.cell a{display:block;color:inherit;text-decoration:underline;padding:.1rem}\n"
	"td.zero{color:#767676;font-weight:normal}\n"
	"td.sup1{background:#dbe9f7}td.sup2{background:#a9cbef}td.sup3{background:#1d5fa8;color:#fff}"
	"td.sup4{background:#0b3d73;color:#fff}\n"
	"td.con1{background:#fde3d3}td.con2{background:#f6b08a}td.con3{background:#b0420f;color:#fff}"
	"td.con4{background:#7a2a05;color:#fff}\n"
	"td.hdg1{background:#ece4f6}td.hdg2{background:#cdbbe8}td.hdg3{background:#6a4a9c;color:#fff}"
	"td.hdg4{background:#432a6b;color:#fff}\n"
	"td.lean,table.tl-table thead th{white-space:nowrap}\n"
	".tl-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem;margin:1rem 0}\n"
	"figure.tl{margin:0;padding:.5rem;border:1px solid var(--line);background:var(--bg);display:flex;"
	"flex-direction:column;justify-content:space-between}\n"
	"figure.tl figcaption{font-size:.9rem;font-weight:600}\n"
	"svg.tl-chart{display:block;width:100%;height:8.5rem}\n"
	"svg .sup{fill:var(--sup)}svg .con{fill:var(--con)}svg .axis{stroke:#333;stroke-width:1}"
	"svg text{font:10px system-ui,sans-serif;fill:#333}\n"
	".key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.25em;border:1px solid #333}\n"
	".key.sup{background:var(--sup)}.key.con{background:var(--con)}.key.hdg{background:var(--hdg)}\n"
	,
	"section.clause{border-top:1px solid var(--line);margin-top:1.5rem}\n"
	"section.clause h3 .pt{color:var(--muted);font-weight:600;margin-right:.4em}\n"
	"ol.findings{padding-left:0;list-style:none}\n"
	"li.finding{border:1px solid var(--line);border-left:6px solid var(--sup);padding:.5rem .75rem;margin:.5rem 0;"
	"break-inside:avoid}\n"
	"li.finding.conflict{border-left-color:var(--con);border-left-style:double}\n"
	".fhead{margin:0 0 .25rem}.fhead code{overflow-wrap:anywhere}\n"
	".badge{display:inline-block;padding:0 .4em;border-radius:.2em;font-size:.85em;font-weight:600;"
	"border:1px solid currentColor}\n"
	".b-support{color:var(--sup)}.b-conflict{color:var(--con)}.b-cert{color:var(--hdg)}.b-fail{color:#fff;"
	"background:#8b0000;border-color:#8b0000}.b-base{color:var(--muted)}\n"
	"blockquote.sentence{margin:.25rem 0;padding:.25rem .5rem;background:var(--panel);font-size:1.05rem;"
	"overflow-wrap:anywhere}\n"
	"mark{color:inherit;padding:0 .1em}\n"
	"mark.ev{background:#fff1a8;border-bottom:2px solid #6b5900;font-weight:600}\n"
	"mark.ev.cue{background:#fff1a8}\n"
	"mark.cue{background:#e3dcf2;border-bottom:2px dotted var(--hdg);font-style:italic}\n"
	"mark.cue-negation{background:#f9d9d0;border-bottom-color:var(--con)}\n"
	"mark.cue-attribution{background:#d7ecdf;border-bottom-color:#1e6b3a}\n"
	".lbl{font-size:.65em;font-weight:600;text-transform:uppercase;letter-spacing:.03em;vertical-align:super;"
	"margin:0 .2em 0 .1em;color:var(--muted)}\n"
	"dl.fmeta{display:grid;grid-template-columns:max-content 1fr;gap:0 .75rem;margin:.25rem 0 0;font-size:.9rem}\n"
	"dl.fmeta dt{color:var(--muted)}dl.fmeta dd{margin:0;overflow-wrap:anywhere}\n"
	".hedged-index{font-size:.9rem}.hedged-index ul{margin:.25rem 0;padding-left:1.25rem}\n"
	".verdict{font-weight:600}.v-sup{color:var(--sup)}.v-con{color:var(--con)}.v-mix{color:var(--hdg)}\n"
	"footer{margin:2rem auto;color:var(--muted);font-size:.85rem}\n"
	,
	"@media (max-width:40rem){body{font-size:15px}table.heatmap code,table.heatmap .extra{display:none}"
	"table.heatmap th[scope=row] .pt{display:block}table.heatmap thead th.c{white-space:normal;font-size:.8rem}"
	"table.heatmap thead .key{display:none}"
	"table.heatmap td.cell{width:3.5rem}th,td{padding:.25rem .3rem}dl.fmeta{grid-template-columns:1fr}"
	"dl.fmeta dt{font-weight:600}}\n"
	"@media print{body{font-size:10.5pt}nav.toc,.skip{display:none}a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid}h3,h4{break-after:avoid}table,figure.tl,li.finding{break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scroll{overflow:visible}}\n"
	".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.25rem}\n"
};

/* The heatmap's shade, 1 to 4, of a count against the largest. */
static int level(size_t n, size_t max)
{
	if (!n || !max)
		return 0;
	size_t l = 1 + (n - 1) * 4 / max;
	return (int)(l > 4 ? 4 : l);
}

static void put_cell(FILE *out, size_t n, size_t max, const char *cls, size_t clause, const char *anchor,
                     const char *what)
{
	if (!n) {
		fputs("<td class=\"cell zero\">0</td>", out);
		return;
	}
	fprintf(out, "<td class=\"cell %s%d\"><a href=\"#c%zu-%s\" title=\"%zu %s: show the evidence\">%zu</a></td>",
	        cls, level(n, max), clause, anchor, n, what, n);
}

static int put_heatmap(FILE *out, const run_summary *sum)
{
	size_t n = ps_ruleset_clause_count(sum->rules), max = 0, max_hedged = 0;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!summary_selected(sum, i))
			continue;
		const clause_counts *cc = &sum->clauses[i];
		max = cc->support > max ? cc->support : max;
		max = cc->conflict > max ? cc->conflict : max;
		max_hedged = cc->hedged > max_hedged ? cc->hedged : max_hedged;
	}
	fputs("<section id=\"heatmap\" aria-labelledby=\"heatmap-h\">\n<h2 id=\"heatmap-h\">Where each point stands</h2>\n"
	      "<p class=\"note\">Findings (sentences) per clause of the plan and stance, over the whole run. A darker cell "
	      "holds more findings: support and conflict share one scale, hedged (findings of either stance stated "
	      "with a hedge such as \"may\") has its own. Each number links to its evidence.</p>\n"
	      "<div class=\"scroll\"><table class=\"heatmap\">\n<caption>Findings by clause and stance</caption>\n"
	      "<thead><tr><th scope=\"col\">Clause</th><th scope=\"col\" class=\"c\"><span class=\"key sup\"></span>"
	      "Support</th><th scope=\"col\" class=\"c\"><span class=\"key con\"></span>Conflict</th>"
	      "<th scope=\"col\" class=\"c\"><span class=\"key hdg\"></span>Hedged</th>"
	      "<th scope=\"col\" class=\"num extra\">Documents</th><th scope=\"col\" class=\"extra\">Leaning</th></tr>"
	      "</thead>\n<tbody>\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		if (!summary_selected(sum, i))
			continue;
		const ps_clause *c = ps_ruleset_clause(sum->rules, i);
		const clause_counts *cc = &sum->clauses[i];
		fputs("<tr><th scope=\"row\"><span class=\"pt\">", out);
		put_point(out, c);
		fputs("</span> ", out);
		if (cc->support + cc->conflict)
			fprintf(out, "<a href=\"#c%zu\">", i);
		rc |= put_cesc(out, ps_clause_title(c));
		if (cc->support + cc->conflict)
			fputs("</a>", out);
		fputs(" <code>", out);
		rc |= put_cesc(out, ps_clause_id(c));
		fputs("</code></th>", out);
		put_cell(out, cc->support, max, "sup", i, "support", "supporting");
		put_cell(out, cc->conflict, max, "con", i, "conflict", "conflicting");
		put_cell(out, cc->hedged, max_hedged, "hdg", i, "hedged", "hedged");
		fprintf(out, "<td class=\"num extra\">%zu</td><td class=\"lean extra\">%s</td></tr>\n", cc->docs,
		        !(cc->support + cc->conflict) ? "no findings"
		        : cc->support > cc->conflict  ? "more support"
		        : cc->conflict > cc->support  ? "more conflict"
		                                      : "even");
	}
	fputs("</tbody>\n</table></div>\n</section>\n", out);
	return rc;
}

/* The timeline's geometry, in SVG user units. */
enum { TL_SLOT = 24, TL_WIDE = 312, TL_HALF = 44, TL_LEFT = 4, TL_TOP = 12, TL_LABELS = 26 };

static void short_label(char buf[16], int64_t first_day, timeline_unit unit)
{
	char full[16];
	timeline_label(full, first_day, unit);
	/* "2025-10-24" -> "10-24", "2025-W43" -> "W43": the heading has the years. */
	snprintf(buf, 16, "%s", full + 5);
}

static int put_chart(FILE *out, const run_summary *sum, size_t ci, const timeline_bucket *b, size_t nb,
                     timeline_unit unit, size_t max)
{
	const ps_clause *c = ps_ruleset_clause(sum->rules, ci);
	int rc = 0;
	/* A few periods get wider slots, so that a chart fills its box. */
	size_t slot = nb * TL_SLOT < TL_WIDE ? TL_WIDE / nb : TL_SLOT, bar = slot * 3 / 5;
	size_t width = TL_LEFT * 2 + nb * slot, axis = TL_TOP + TL_HALF, height = TL_TOP + 2 * TL_HALF + TL_LABELS;
	const char *u = unit == TIMELINE_WEEK ? "week" : "day";
	fputs("<figure class=\"tl\"><figcaption>", out);
	put_point(out, c);
	fputs(": ", out);
	rc |= put_cesc(out, ps_clause_title(c));
	fprintf(out, "</figcaption>\n<svg class=\"tl-chart\" role=\"img\" aria-labelledby=\"tl%zu-t tl%zu-d\" "
	        "viewBox=\"0 0 %zu %zu\" preserveAspectRatio=\"xMinYMid meet\" xmlns=\"http://www.w3.org/2000/svg\">"
	        "<title id=\"tl%zu-t\">", ci, ci, width, height, ci);
	put_point(out, c);
	fprintf(out, ", supporting (above the line) and conflicting (below) findings by %s</title><desc id=\"tl%zu-d\">",
	        u, ci);
	size_t shown = 0;
	for (size_t k = 0; k < nb; k++) {
		size_t s = b[k].counts[ci * 2], x = b[k].counts[ci * 2 + 1];
		char label[16];
		if (!s && !x)
			continue;
		timeline_label(label, b[k].first_day, unit);
		fprintf(out, "%s%s: %zu support, %zu conflict", shown++ ? "; " : "", label, s, x);
	}
	fputs("</desc>\n", out);
	fprintf(out, "<line class=\"axis\" x1=\"0\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\"/>\n", axis, width, axis);
	size_t every = nb > 8 ? (nb + 7) / 8 : 1;
	for (size_t k = 0; k < nb; k++) {
		size_t s = b[k].counts[ci * 2], x = b[k].counts[ci * 2 + 1];
		size_t left = TL_LEFT + k * slot + (slot - bar) / 2;
		char label[16], full[16];
		timeline_label(full, b[k].first_day, unit);
		if (s) {
			size_t h = s * TL_HALF / max;
			h = h < 2 ? 2 : h;
			fprintf(out, "<rect class=\"sup\" x=\"%zu\" y=\"%zu\" width=\"%zu\" height=\"%zu\"><title>%s: %zu "
			        "support</title></rect><text x=\"%zu\" y=\"%zu\" text-anchor=\"middle\">%zu</text>", left, axis - h,
			        bar, h, full, s, left + bar / 2, axis - h - 2, s);
		}
		if (x) {
			size_t h = x * TL_HALF / max;
			h = h < 2 ? 2 : h;
			fprintf(out, "<rect class=\"con\" x=\"%zu\" y=\"%zu\" width=\"%zu\" height=\"%zu\"><title>%s: %zu "
			        "conflict</title></rect><text x=\"%zu\" y=\"%zu\" text-anchor=\"middle\">%zu</text>", left, axis + 1,
			        bar, h, full, x, left + bar / 2, axis + h + 11, x);
		}
		if (k % every == 0) {
			short_label(label, b[k].first_day, unit);
			fprintf(out, "<text x=\"%zu\" y=\"%zu\" text-anchor=\"middle\">%s</text>",
			        TL_LEFT + k * slot + slot / 2, height - 3, label);
		}
		fputc('\n', out);
	}
	fputs("</svg></figure>\n", out);
	return rc;
}

static int put_timeline(FILE *out, const run_summary *sum, timeline_unit asked)
{
	timeline_unit unit = summary_timeline_unit(sum, asked);
	timeline_bucket *b = NULL;
	size_t nb = summary_timeline(sum, unit, &b), n = ps_ruleset_clause_count(sum->rules), max = 0;
	int rc = 0;
	if (nb == (size_t)-1)
		return -1;
	fputs("<section id=\"timeline\" aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">Timeline</h2>\n", out);
	for (size_t k = 0; k < nb; k++)
		for (size_t i = 0; i < n * 2; i++)
			if (summary_selected(sum, i / 2) && b[k].counts[i] > max)
				max = b[k].counts[i];
	if (!nb || !max) {
		fprintf(out, "<p class=\"note\">No finding comes from a dated document (%zu dated, %zu undated), so "
		        "there is no timeline. A document's <code>date</code> (front matter or JSON Lines) places it "
		        "here.</p>\n</section>\n", sum->dated, sum->undated);
		timeline_free(b, nb);
		return 0;
	}
	char from[16], to[16];
	timeline_label(from, b[0].first_day, unit);
	timeline_label(to, b[nb - 1].first_day, unit);
	fprintf(out, "<p class=\"note\">Findings by %s of the documents' dates, %s to %s (%zu dated %s, %zu undated "
	        "left out): <span class=\"key sup\"></span>supporting above the line, <span class=\"key con\"></span>"
	        "conflicting below it, on one scale for every clause (the tallest bar is %zu). The table after the charts "
	        "holds the same numbers.</p>\n<div class=\"tl-grid\">\n",
	        unit == TIMELINE_WEEK ? "ISO week" : "day", from, to, sum->dated, plural(sum->dated, "document", "documents"),
	        sum->undated, max);
	for (size_t i = 0; i < n; i++) {
		size_t any = 0;
		for (size_t k = 0; k < nb; k++)
			any += b[k].counts[i * 2] + b[k].counts[i * 2 + 1];
		if (summary_selected(sum, i) && any)
			rc |= put_chart(out, sum, i, b, nb, unit, max);
	}
	fprintf(out, "</div>\n<details open><summary>The timeline as a table</summary>\n<div class=\"scroll\">"
	        "<table class=\"tl-table\">\n<caption>Supporting / conflicting findings per clause and %s</caption>\n"
	        "<thead><tr><th scope=\"col\">Clause</th>", unit == TIMELINE_WEEK ? "week" : "day");
	for (size_t k = 0; k < nb; k++) {
		char label[16];
		timeline_label(label, b[k].first_day, unit);
		fprintf(out, "<th scope=\"col\" class=\"num\">%s</th>", label);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < n; i++) {
		size_t any = 0;
		for (size_t k = 0; k < nb; k++)
			any += b[k].counts[i * 2] + b[k].counts[i * 2 + 1];
		if (!summary_selected(sum, i) || !any)
			continue;
		fputs("<tr><th scope=\"row\">", out);
		rc |= put_cesc(out, ps_clause_id(ps_ruleset_clause(sum->rules, i)));
		fputs("</th>", out);
		for (size_t k = 0; k < nb; k++) {
			size_t s = b[k].counts[i * 2], x = b[k].counts[i * 2 + 1];
			if (s || x)
				fprintf(out, "<td class=\"num\">%zu / %zu</td>", s, x);
			else
				fputs("<td class=\"num zero\">&middot;</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table></div></details>\n</section>\n", out);
	timeline_free(b, nb);
	return rc;
}

static int put_evidence(FILE *out, html_state *st, const run_summary *sum)
{
	size_t n = ps_ruleset_clause_count(sum->rules), none = 0;
	int rc = 0;
	fputs("<section id=\"evidence\" aria-labelledby=\"evidence-h\">\n<h2 id=\"evidence-h\">Evidence</h2>\n"
	      "<p class=\"note\">Each finding is a sentence, with the words that matched the clause marked "
	      "<mark class=\"ev\">like this</mark><span class=\"lbl lbl-ev\">match</span> and the cues that decided "
	      "its stance or certainty marked by kind: <mark class=\"cue cue-negation\">not</mark><span class=\"lbl "
	      "lbl-negation\">negation</span>, <mark class=\"cue cue-hedge\">may</mark><span class=\"lbl lbl-hedge\">"
	      "hedge</span>, <mark class=\"cue cue-attribution\">said</mark><span class=\"lbl lbl-attribution\">"
	      "attribution</span>. Positions are <code>file:line:column</code>, the column in bytes.</p>\n", out);
	for (size_t i = 0; i < n; i++) {
		if (!summary_selected(sum, i))
			continue;
		const ps_clause *c = ps_ruleset_clause(sum->rules, i);
		const clause_counts *cc = &sum->clauses[i];
		if (!(cc->support + cc->conflict)) {
			none++;
			continue;
		}
		fprintf(out, "<section class=\"clause\" id=\"c%zu\" aria-labelledby=\"c%zu-h\">\n<h3 id=\"c%zu-h\">"
		        "<span class=\"pt\">", i, i, i);
		put_point(out, c);
		fputs("</span>", out);
		rc |= put_cesc(out, ps_clause_title(c));
		fputs("</h3>\n<p class=\"muted\"><code>", out);
		rc |= put_cesc(out, ps_clause_id(c));
		fprintf(out, "</code>: %zu support, %zu conflict, %zu hedged, in %zu %s.", cc->support, cc->conflict,
		        cc->hedged, cc->docs, plural(cc->docs, "document", "documents"));
		if (ps_clause_summary(c) && *ps_clause_summary(c)) {
			fputs(" ", out);
			rc |= put_cesc(out, ps_clause_summary(c));
		}
		fputs("</p>\n", out);
		html_list *l = &st->lists[i * LISTS];
		if (l[LIST_HEDGED].used) {
			fprintf(out, "<div class=\"hedged-index\" id=\"c%zu-hedged\">Hedged findings (%zu):<ul>\n", i,
			        cc->hedged);
			rc |= list_copy(out, &l[LIST_HEDGED]);
			fputs("</ul></div>\n", out);
		}
		if (l[LIST_CONFLICT].used) {
			fprintf(out, "<h4 id=\"c%zu-conflict\">Conflicting (%zu)</h4>\n<ol class=\"findings\">\n", i,
			        cc->conflict);
			rc |= list_copy(out, &l[LIST_CONFLICT]);
			fputs("</ol>\n", out);
		}
		if (l[LIST_SUPPORT].used) {
			fprintf(out, "<h4 id=\"c%zu-support\">Supporting (%zu)</h4>\n<ol class=\"findings\">\n", i,
			        cc->support);
			rc |= list_copy(out, &l[LIST_SUPPORT]);
			fputs("</ol>\n", out);
		}
		fputs("</section>\n", out);
	}
	if (none)
		fprintf(out, "<p class=\"note\">%zu %s no finding.</p>\n", none, plural(none, "clause has", "clauses have"));
	fputs("</section>\n", out);
	return rc;
}

static int put_documents(FILE *out, html_state *st, const run_summary *sum)
{
	int rc = 0;
	fprintf(out, "<section id=\"documents\" aria-labelledby=\"documents-h\">\n<h2 id=\"documents-h\">Documents"
	        "</h2>\n<p class=\"note\">Verdicts over all clauses: %zu supports, %zu conflicts, %zu mixed, %zu not "
	        "mentioned.</p>\n", sum->verdicts[VERDICT_SUPPORTS], sum->verdicts[VERDICT_CONFLICTS],
	        sum->verdicts[VERDICT_MIXED], sum->verdicts[VERDICT_NONE]);
	if (!st->docs.used) {
		fputs("<p>No document was read.</p>\n</section>\n", out);
		return 0;
	}
	fputs("<div class=\"scroll\"><table class=\"documents\">\n<caption>Each document's verdict and findings"
	      "</caption>\n<thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Date</th><th scope=\"col\">"
	      "Verdict</th><th scope=\"col\" class=\"num\">Support</th><th scope=\"col\" class=\"num\">Conflict</th>"
	      "</tr></thead>\n<tbody>\n", out);
	rc |= list_copy(out, &st->docs);
	fputs("</tbody>\n</table></div>\n</section>\n", out);
	return rc;
}

static int put_header(FILE *out, const run_summary *sum)
{
	const ps_ruleset *rules = sum->rules;
	int rc = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"pactscan " PS_VERSION "\">\n<title>pactscan report: ", out);
	rc |= put_cesc(out, ps_ruleset_name(rules));
	fputs("</title>\n<style>\n", out);
	for (size_t i = 0; i < sizeof page_css / sizeof *page_css; i++)
		fputs(page_css[i], out);
	fputs("</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#heatmap\">Skip to the heatmap</a>\n"
	      "<header class=\"top\">\n<h1>Where the plan stands</h1>\n<p class=\"muted\">Rules: ", out);
	rc |= put_cesc(out, ps_ruleset_name(rules));
	if (ps_ruleset_version(rules)) {
		fputs(" ", out);
		rc |= put_cesc(out, ps_ruleset_version(rules));
	}
	if (ps_ruleset_date(rules)) {
		fputs(" (", out);
		rc |= put_cesc(out, ps_ruleset_date(rules));
		fputs(")", out);
	}
	fprintf(out, ". %zu %s read: %zu scanned, %zu skipped, %zu incomplete; %llu sentences, %llu in the "
	        "setting.</p>\n", sum->documents, plural(sum->documents, "document", "documents"), sum->scanned,
	        sum->skipped, sum->incomplete, (unsigned long long)sum->sentences, (unsigned long long)sum->in_setting);
	fprintf(out, "<ul class=\"stats\">\n<li><b>%zu</b>%s</li>\n<li class=\"s-sup\"><b>%zu</b>support</li>\n"
	        "<li class=\"s-con\"><b>%zu</b>conflict</li>\n<li class=\"s-hdg\"><b>%zu</b>hedged</li>\n"
	        "<li><b>%zu</b>attributed</li>\n", sum->findings, plural(sum->findings, "finding", "findings"),
	        sum->support, sum->conflict, sum->hedged, sum->attributed);
	if (sum->baseline)
		fprintf(out, "<li><b>%zu</b>not in the baseline</li>\n", sum->new_findings);
	fputs("</ul>\n<nav class=\"toc\" aria-label=\"Contents\"><ul><li><a href=\"#heatmap\">Heatmap</a></li>"
	      "<li><a href=\"#timeline\">Timeline</a></li><li><a href=\"#evidence\">Evidence</a></li>"
	      "<li><a href=\"#documents\">Documents</a></li></ul></nav>\n</header>\n<main>\n", out);
	return rc;
}

static int html_finish(reporter *r, const run_summary *sum)
{
	html_state *st = r->state;
	FILE *out = r->out;
	int rc = put_header(out, sum);
	rc |= put_heatmap(out, sum);
	rc |= put_timeline(out, sum, r->timeline);
	rc |= put_evidence(out, st, sum);
	rc |= put_documents(out, st, sum);
	fputs("</main>\n<footer><p>Written by pactscan " PS_VERSION ". The findings are what the rules match in the "
	      "text, not a judgement of the events; read the evidence.</p></footer>\n</body>\n</html>\n", out);
	return rc || ferror(out) ? -1 : 0;
}

static void html_release(reporter *r)
{
	html_state *st = r->state;
	if (st) {
		for (size_t i = 0; st->lists && i < st->n_clauses * LISTS; i++)
			list_free(&st->lists[i]);
		list_free(&st->docs);
		free(st->lists);
	}
	free(st);
	r->state = NULL;
}

/* r->sum is set before the writer: the lists are made per clause now, so
 * that document() never meets a missing one. */
int reporter_html(reporter *r)
{
	html_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	st->n_clauses = ps_ruleset_clause_count(r->sum->rules);
	st->lists = calloc(st->n_clauses ? st->n_clauses * LISTS : 1, sizeof(*st->lists));
	if (!st->lists) {
		free(st);
		return -1;
	}
	for (size_t i = 0; i < st->n_clauses * LISTS; i++)
		list_init(&st->lists[i]);
	list_init(&st->docs);
	r->state = st;
	r->append = html_append;
	r->place = html_place;
	r->document = html_document;
	r->finish = html_finish;
	r->release = html_release;
	return 0;
}
