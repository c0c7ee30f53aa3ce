#include "pactscan/segment.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bits_int.h"

/* The helpers a sentence passes through are inline: called, they were a
 * tenth of the segmenter's instructions (114 M -> 101 M on a 20 MB head
 * of the 3% benchmark corpus, callgrind). */

/* Byte length of a whitespace character at t[i], or 0. */
static inline size_t space_len(const char *t, size_t i, size_t len)
{
	unsigned char c = (unsigned char)t[i];
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
		return 1;
	if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0xA0)
		return 2; /* no-break space */
	if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0xA8 || (unsigned char)t[i + 2] == 0xA9))
		return 3; /* line and paragraph separators */
	return 0;
}

static inline bool is_newline(char c)
{
	return c == '\n' || c == '\r';
}

static bool is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return is_lower(c) || is_upper(c);
}

/* Byte length of a closing quote or bracket at t[i], or 0. */
static inline size_t closer_len(const char *t, size_t i, size_t len)
{
	unsigned char c = (unsigned char)t[i];
	if (c == '"' || c == '\'' || c == ')' || c == ']')
		return 1;
	if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0x9D || (unsigned char)t[i + 2] == 0x99))
		return 3; /* ” ’ */
	if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0xBB)
		return 2; /* » */
	return 0;
}

/* Byte length of sentence-final punctuation at t[i], or 0. */
static inline size_t terminal_len(const char *t, size_t i, size_t len)
{
	unsigned char c = (unsigned char)t[i];
	if (c == '.' || c == '!' || c == '?')
		return 1;
	if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] == 0xA6)
		return 3; /* … */
	return 0;
}

/* Byte length of a bullet mark (and the space after it) at t[i], or 0. */
static inline size_t bullet_len(const char *t, size_t i, size_t len)
{
	size_t n = 0;
	unsigned char c = (unsigned char)t[i];
	if (c == '-' || c == '*' || c == '+')
		n = 1;
	else if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
	         ((unsigned char)t[i + 2] == 0xA2 || (unsigned char)t[i + 2] == 0x93 ||
	          (unsigned char)t[i + 2] == 0x94))
		n = 3; /* • – — */
	else if (is_digit(c)) {
		while (i + n < len && n < 3 && is_digit((unsigned char)t[i + n]))
			n++;
		if (i + n >= len || (t[i + n] != '.' && t[i + n] != ')'))
			return 0;
		n++;
	}
	if (!n || i + n >= len || (t[i + n] != ' ' && t[i + n] != '\t'))
		return 0;
	while (i + n < len && (t[i + n] == ' ' || t[i + n] == '\t'))
		n++;
	return n;
}

/* Bytes where a sentence may end: stops, the first byte of an ellipsis and
 * line ends. Everything between them is skipped without a closer look. */
static const bool may_end[256] = {
	['.'] = true, ['!'] = true, ['?'] = true, ['\n'] = true, ['\r'] = true, [0xE2] = true,
};

/* The first i' >= i below lim where a sentence may end, or lim. */
static size_t skip_to_end(const char *t, size_t i, size_t lim)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time: most of a sentence is letters and spaces. */
	const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), ask = _mm_set1_epi8('?');
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), e2 = _mm_set1_epi8((char)0xE2);
	while (i + 16 <= lim) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
		                           _mm_or_si128(_mm_cmpeq_epi8(v, ask), _mm_cmpeq_epi8(v, lf)));
		hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, e2)));
		int mask = _mm_movemask_epi8(hit);
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
		i += 16;
	}
#endif
	while (i < lim && !may_end[(unsigned char)t[i]])
		i++;
	return i;
}

/* No abbreviation below is longer: most words before a period are. */
#define ABBREVIATION_MAX 6

/* Abbreviations after which a period rarely ends a sentence, by length:
 * the string at n holds those of n bytes, one after another, so a word is
 * compared with its own length's only. */
static const char *const abbreviations[ABBREVIATION_MAX + 1] = {
	"",
	"",
	"Mr" "Ms" "Dr" "Lt" "St" "Mt" "Ft" "Jr" "Sr" "No" "vs" "cf",
	"Mrs" "Gen" "Col" "Maj" "Sgt" "Cpl" "Adm" "Gov" "Sen" "Rep" "Rev" "Hon" "Nos" "Vol" "Art"
	"Fig" "Jan" "Feb" "Apr" "Jun" "Jul" "Aug" "Sep" "Oct" "Nov" "Dec" "Inc" "Ltd" "Ave" "Amb",
	"Prof" "Capt" "Brig" "Cmdr" "Pres" "Sept" "Corp" "Bros" "Dept" "Univ" "Supt" "Insp",
	"",
	"approx",
};

/* Abbreviations that take a number after them: "No. 10", "Art. 5". */
static const char *const number_abbreviations[ABBREVIATION_MAX + 1] = {
	"", "p", "No" "pp", "Nos" "Vol" "Art" "Fig", "", "", "",
};

/* The letters the abbreviations of both lists start with. The word before
 * a sentence's stop is most often none of them ("said", "talks"): one
 * look, not a compare with each abbreviation of its length. */
static const bool abbreviation_first[256] = {
	['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['F'] = true, ['G'] = true, ['H'] = true,
	['I'] = true, ['J'] = true, ['L'] = true, ['M'] = true, ['N'] = true, ['O'] = true, ['P'] = true,
	['R'] = true, ['S'] = true, ['U'] = true, ['V'] = true, ['a'] = true, ['c'] = true, ['p'] = true,
	['v'] = true,
};

static bool in_list(const char *const *list, const char *w, size_t n)
{
	if (n > ABBREVIATION_MAX || !abbreviation_first[(unsigned char)w[0]])
		return false;
	for (const char *a = list[n]; *a; a += n)
		if (a[0] == w[0] && !memcmp(a, w, n))
			return true;
	return false;
}

/* Does the period at t[dot] end an abbreviation, given the next character? */
static bool is_abbreviation(const char *t, size_t start, size_t dot, unsigned char next)
{
	size_t w = dot, dots = 0;
#ifdef __SSE2__
	/* Every sentence that ends in a period comes here: the word before it
	 * found in the sixteen bytes before, without a branch a byte (whose
	 * last, at a word's start, no predictor guesses). */
	if (dot >= 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + dot - 16));
		const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
		/* Signed compares: bytes from 0x80 are below 'a', as they should be. */
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
		                              _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
		__m128i period = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
		unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, period));
		unsigned p = (unsigned)_mm_movemask_epi8(period);
		/* The run of word bytes that ends at dot - 1 (bit 15). */
		size_t run = (size_t)__builtin_clz(~(word << 16) | 1u);
		if (run < 16) {
			if (run > dot - start)
				run = dot - start;
			w = dot - run;
			dots = run ? bits_count16(p >> (16 - run)) : 0;
			goto found;
		}
	}
#endif
	/* The word's periods counted on the way, not looked for after it. */
	while (w > start && (is_alpha((unsigned char)t[w - 1]) || t[w - 1] == '.')) {
		dots += t[w - 1] == '.';
		w--;
	}
#ifdef __SSE2__
found:;
#endif
	size_t n = dot - w;
	if (n == 0)
		return false;
	if (is_digit(next))
		return in_list(number_abbreviations, t + w, n);
	if (n == 1 && is_upper((unsigned char)t[w]))
		return true; /* an initial: J. Smith */
	if (dots)
		return true; /* U.S, a.m, e.g */
	return in_list(abbreviations, t + w, n);
}

/* Could a sentence start at t[k]? */
static inline bool can_start(const char *t, size_t k, size_t len)
{
	unsigned char c = (unsigned char)t[k];
	if (is_lower(c))
		return false;
	if (c == ',' || c == ';' || c == ':' || c == ')' || c == ']')
		return false;
	(void)len;
	return true;
}

/* Past whitespace from i; sets *blank when a blank line was crossed and
 * *newline when any line end was. */
static inline size_t skip_space(const char *t, size_t i, size_t len, bool *newline, bool *blank)
{
	size_t lines = 0;
	while (i < len) {
		size_t s = space_len(t, i, len);
		if (!s)
			break;
		if (t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n')))
			lines++;
		i += s;
	}
	*newline = lines > 0;
	*blank = lines > 1;
	return i;
}

/* The last byte of a line before a line end at t[nl], skipping trailing space. */
static inline size_t line_last(const char *t, size_t start, size_t nl)
{
	size_t e = nl;
	while (e > start && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r'))
		e--;
	return e;
}

static inline size_t trim_end(const char *t, size_t start, size_t end)
{
	while (end > start) {
		unsigned char c = (unsigned char)t[end - 1];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			end--;
		else if (end - start >= 2 && c == 0xA0 && (unsigned char)t[end - 2] == 0xC2)
			end -= 2;
		else if (end - start >= 3 && (c == 0xA8 || c == 0xA9) && (unsigned char)t[end - 2] == 0x80 &&
		         (unsigned char)t[end - 3] == 0xE2)
			end -= 3;
		else
			break;
	}
	return end;
}

/* Cut a sentence that reached the cap: at the last space in its second half,
 * else at a UTF-8 boundary. */
static size_t cut_point(const char *t, size_t len, size_t start, size_t max_len)
{
	size_t limit = start + max_len;
	if (limit > len)
		limit = len;
	for (size_t i = limit; i > start + max_len / 2; i--)
		if (t[i - 1] == ' ' || t[i - 1] == '\t' || is_newline(t[i - 1]))
			return i;
	size_t i = limit;
	while (i > start + 1 && i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static inline bool emit(ps_segment *out, const char *t, size_t len, size_t max_len, size_t start, size_t end,
                 size_t next, bool forced)
{
	/* A run of stops or closing quotes can carry a sentence past the cap. */
	size_t trimmed = trim_end(t, start, end);
	if (trimmed - start > max_len) {
		end = next = cut_point(t, len, start, max_len);
		forced = true;
		trimmed = trim_end(t, start, end);
	}
	out->start = start;
	out->end = trimmed;
	out->next = next;
	out->forced = forced;
	return true;
}

bool ps_segment_next(ps_segment *out, const char *t, size_t len, bool final, size_t max_len)
{
	size_t i = 0, start;
	bool at_line_start = true;

	if (max_len == 0)
		max_len = PS_SEGMENT_MAX_DEFAULT;
	/* Leading space, then a bullet mark if the sentence opens a line. */
	while (i < len) {
		size_t s = space_len(t, i, len);
		if (!s)
			break;
		i += s;
	}
	if (i == len)
		return false;
	if (i > 0)
		at_line_start = is_newline(t[i - 1]);
	if (at_line_start) {
		size_t b = bullet_len(t, i, len);
		if (b && i + b < len) {
			i += b;
			/* A bare bullet, then only space: nothing to report. */
			while (i < len && space_len(t, i, len))
				i += space_len(t, i, len);
			if (i == len)
				return false;
		}
	}
	start = i;

	while (i < len) {
		size_t lim = len - start > max_len ? start + max_len : len;
		i = skip_to_end(t, i, lim);
		if (i == len)
			break;
		if (i - start >= max_len) {
			size_t cut = cut_point(t, len, start, max_len);
			return emit(out, t, len, max_len, start, cut, cut, true);
		}
		/* The commonest end, a period then a space or a line end, then a
		 * letter that is no space, as the general case below decides it
		 * without its loops. */
		if (t[i] == '.' && i + 2 < len && (t[i + 1] == ' ' || t[i + 1] == '\n')) {
			unsigned char next = (unsigned char)t[i + 2];
			if (is_upper(next)) {
				if (t[i + 1] == '\n' || !is_abbreviation(t, start, i, next))
					return emit(out, t, len, max_len, start, i + 1, i + 2, false);
				i += 2;
				continue;
			}
		}
		size_t term = terminal_len(t, i, len);
		if (term) {
			size_t j = i + term;
			while (j < len && terminal_len(t, j, len))
				j += terminal_len(t, j, len);
			while (j < len && closer_len(t, j, len))
				j += closer_len(t, j, len);
			if (j == len) {
				if (final)
					return emit(out, t, len, max_len, start, j, j, false);
				return false;
			}
			if (!space_len(t, j, len)) {
				i = j;
				continue;
			}
			bool newline, blank;
			size_t k = skip_space(t, j, len, &newline, &blank);
			if (k == len) {
				if (final)
					return emit(out, t, len, max_len, start, j, k, false);
				return false;
			}
			if (blank)
				return emit(out, t, len, max_len, start, j, k, false);
			unsigned char next = (unsigned char)t[k];
			bool single_dot = term == 1 && t[i] == '.' && j == i + 1;
			/* A line end after the stop ends the sentence even after an
			 * abbreviation: news puts one paragraph on a line. */
			if (can_start(t, k, len) && (newline || !(single_dot && is_abbreviation(t, start, i, next))))
				return emit(out, t, len, max_len, start, j, k, false);
			i = k;
			continue;
		}
		if (is_newline(t[i])) {
			bool newline, blank;
			size_t k = skip_space(t, i, len, &newline, &blank);
			if (k == len) {
				if (final)
					return emit(out, t, len, max_len, start, i, k, false);
				return false;
			}
			if (blank)
				return emit(out, t, len, max_len, start, i, k, false);
			if (bullet_len(t, k, len))
				return emit(out, t, len, max_len, start, i, k, false);
			size_t last = line_last(t, start, i);
			unsigned char lc = last > start ? (unsigned char)t[last - 1] : ' ';
			bool continues = lc == ',' || lc == ';' || lc == ':' || lc == '-' || lc == '(' || lc == '&';
			/* A line that does not end a sentence, followed by one that starts
			 * like a new one, is a headline or a list item. */
			if (!continues && can_start(t, k, len) && !terminal_len(t, last ? last - 1 : 0, len) &&
			    !closer_len(t, last ? last - 1 : 0, len))
				return emit(out, t, len, max_len, start, i, k, false);
			i = k;
			continue;
		}
		i++;
	}
	/* Exactly max_len bytes with more to come is not yet too long: the
	 * document may end there, and a scan of it whole would not cut it. */
	if (len - start > max_len) {
		size_t cut = cut_point(t, len, start, max_len);
		return emit(out, t, len, max_len, start, cut, cut, true);
	}
	if (final)
		return emit(out, t, len, max_len, start, len, len, false);
	return false;
}

size_t ps_segment_last_cut(const char *t, size_t len)
{
	for (size_t i = len; i >= 3; i--) {
		if (t[i - 1] != '\n' || i == len)
			continue;
		unsigned char next = (unsigned char)t[i];
		/* A blank line, then text. */
		if (t[i - 2] == '\n' && !space_len(t, i, len))
			return i;
		if (i >= 3 && is_upper(next) && (t[i - 2] == '.' || t[i - 2] == '!' || t[i - 2] == '?') &&
		    is_lower((unsigned char)t[i - 3]))
			return i;
	}
	return 0;
}

uint64_t ps_segment_count_lines(const char *text, size_t len, bool *after_cr)
{
	uint64_t n = 0;
	unsigned cr = after_cr && *after_cr; /* the byte before is a CR */
	size_t i = 0;
	if (!len)
		return 0;
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), crs = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
	while (i + 16 <= len) {
		/* Up to 255 blocks of sixteen bytes: their LFs summed a byte a
		 * lane, and whether a CR is among them. With none (news prose),
		 * the LFs are the line ends. The masks and a count a block, as
		 * below, were 4.2% of `-j 2`'s samples on the 200 MB 3% text,
		 * with their count's call; this is 1.4%. */
		size_t end = len - i >= 255 * 16 ? i + 255 * 16 : len - (len - i) % 16;
		__m128i sum = zero, any_cr = zero;
		for (size_t k = i; k < end; k += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + k));
			any_cr = _mm_or_si128(any_cr, _mm_cmpeq_epi8(v, crs));
			sum = _mm_sub_epi8(sum, _mm_cmpeq_epi8(v, lf)); /* a match is -1 */
		}
		if (!_mm_movemask_epi8(any_cr)) {
			__m128i halves = _mm_sad_epu8(sum, zero);
			n += (uint64_t)_mm_cvtsi128_si32(halves) + (uint64_t)_mm_extract_epi16(halves, 4);
			n -= cr && text[i] == '\n'; /* the LF of a CR LF begun before */
			cr = 0;
			i = end;
			continue;
		}
		/* A block's line ends, without a branch: its CRs, and its LFs that
		 * no CR comes just before (the block's first after the carried one). */
		for (; i < end; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
			unsigned l = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
			unsigned c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, crs));
			n += bits_count16(c | (l & ~(c << 1 | cr)));
			cr = c >> 15;
		}
	}
#endif
	for (; i < len; i++) {
		unsigned c = text[i] == '\r', l = text[i] == '\n';
		n += c | (l & !cr);
		cr = c;
	}
	if (after_cr)
		*after_cr = cr;
	return n;
}
