/* The sbx policy parser; the language is specified in policy/README.md.
 *
 * One source for two builds: freestanding inside the hypervisor, where it is part
 * of the TCB and parses bytes that came from the boot medium, and hosted in
 * sbx-policy, the unit tests and the fuzzer. It allocates nothing, keeps no state
 * between calls, reads only the `size` bytes it is given and stops at the first
 * error.
 *
 * "The first error" is the first one found in this order: the file as a whole
 * (size), then line by line: the line as text (byte by byte, so the column is that
 * of the first offending byte), then its statement token by token from left to
 * right, then the statement as a whole (range count, overlaps); after the last line,
 * the rules that relate statements to each other (version present, allow user).
 *
 * Columns count bytes from 1; a tab is one column. An error names the offending
 * token, or for lexical errors the offending byte; a missing argument is reported
 * just after the last token of its line, a missing final newline just after the
 * last byte of the file. Line 0 (column 0) is the file as a whole.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#define RANGE_ALIGNMENT 4096u

static const char *const caller_names[POLICY_CALLER_COUNT] = {
	[POLICY_CALLER_KERNEL] = "kernel",
	[POLICY_CALLER_USER]   = "user",
};

static const char *const service_names[POLICY_SERVICE_COUNT] = {
	[POLICY_SERVICE_HYPERVISOR_VERSION]    = "hypervisor.version",
	[POLICY_SERVICE_HYPERVISOR_EVENT_LOG]  = "hypervisor.event-log",
	[POLICY_SERVICE_HYPERVISOR_EXIT_STATS] = "hypervisor.exit-stats",
	[POLICY_SERVICE_SECUREBOX_VERSION]     = "securebox.version",
	[POLICY_SERVICE_SECUREBOX_ECHO]        = "securebox.echo",
	[POLICY_SERVICE_SECUREBOX_REPORT]      = "securebox.report",
	[POLICY_SERVICE_SECUREBOX_KEY_CREATE]  = "securebox.key-create",
	[POLICY_SERVICE_SECUREBOX_KEY_SIGN]    = "securebox.key-sign",
	[POLICY_SERVICE_SECUREBOX_KEY_PUBLIC]  = "securebox.key-public",
	[POLICY_SERVICE_SECUREBOX_SEAL]        = "securebox.seal",
	[POLICY_SERVICE_SECUREBOX_UNSEAL]      = "securebox.unseal",
};

static const char *const violation_names[] = {
	[POLICY_VIOLATION_STOP]  = "stop",
	[POLICY_VIOLATION_FAULT] = "fault",
};

static const char *const log_level_names[] = {
	[POLICY_LOG_NONE]   = "none",
	[POLICY_LOG_ERRORS] = "errors",
	[POLICY_LOG_INFO]   = "info",
};

/* The second word of "on-violation". */
enum partition {
	PARTITION_COMMODITY,
	PARTITION_SECUREBOX,
	PARTITION_COUNT
};

static const char *const partition_names[PARTITION_COUNT] = {
	[PARTITION_COMMODITY] = "commodity",
	[PARTITION_SECUREBOX] = "securebox",
};

/* The second word of "log". */
enum component {
	COMPONENT_HYPERVISOR,
	COMPONENT_SECUREBOX,
	COMPONENT_COUNT
};

static const char *const component_names[COMPONENT_COUNT] = {
	[COMPONENT_HYPERVISOR] = "hypervisor",
	[COMPONENT_SECUREBOX]  = "securebox",
};

/* Statements that may appear at most once, as bits of parser.seen. "on-violation"
 * and "log" are one statement per partition or component. "allow" is tracked per
 * caller in parser.allow, because its duplicate has its own message. */
enum once {
	ONCE_VERSION,
	ONCE_SECUREBOX_MEMORY,
	ONCE_CPUS,
	ONCE_TPM_LOCALITIES,
	ONCE_USER_HYPERCALLS,
	ONCE_MAX_REQUEST,
	ONCE_MAX_RESPONSE,
	ONCE_VIOLATION,                                 /* + enum partition */
	ONCE_LOG = ONCE_VIOLATION + PARTITION_COUNT,    /* + enum component */
};

struct token {
	const char *text;
	size_t length;
	uint32_t column;
};

/* The current line, without its newline, read token by token. */
struct line {
	const char *text;
	size_t length;
	size_t cursor;
	uint32_t number;
	uint32_t end_column;    /* just after the last token read: where a missing one goes */
};

struct parser {
	struct policy *policy;
	struct policy_error *error;
	struct line line;
	uint32_t seen;                                          /* bit = enum once */
	struct policy_location allow[POLICY_CALLER_COUNT];      /* caller word; line 0: none */
};

static const char *name_or_unknown(const char *const *names, size_t count, unsigned int index)
{
	return index < count ? names[index] : "unknown";
}

const char *policy_service_name(enum policy_service service)
{
	return name_or_unknown(service_names, ARRAY_SIZE(service_names), service);
}

const char *policy_caller_name(enum policy_caller caller)
{
	return name_or_unknown(caller_names, ARRAY_SIZE(caller_names), caller);
}

const char *policy_violation_name(enum policy_violation violation)
{
	return name_or_unknown(violation_names, ARRAY_SIZE(violation_names), violation);
}

const char *policy_log_level_name(enum policy_log_level level)
{
	return name_or_unknown(log_level_names, ARRAY_SIZE(log_level_names), level);
}

void policy_defaults(struct policy *policy)
{
	/* Unused range slots and padding are zero too, so two policies can be compared
	 * as memory. */
	memset(policy, 0, sizeof(*policy));
	policy->securebox_memory = POLICY_SECUREBOX_MEMORY_DEFAULT;
	policy->cpus = 1;
	policy->tpm_localities = 1u << 0;
	policy->user_hypercalls = false;
	policy->max_request = POLICY_MESSAGE_MAX;
	policy->max_response = POLICY_MESSAGE_MAX;
	policy->commodity_violation = POLICY_VIOLATION_STOP;
	policy->securebox_violation = POLICY_VIOLATION_STOP;
	policy->hypervisor_log = POLICY_LOG_ERRORS;
	policy->securebox_log = POLICY_LOG_ERRORS;
}

static int fail_at(struct policy_error *error, uint32_t line, uint32_t column,
		   const char *message)
{
	error->location.line = line;
	error->location.column = column;
	error->message = message;
	return -1;
}

/* An error of the file as a whole: line 0. */
static int fail_file(struct policy_error *error, const char *message)
{
	return fail_at(error, 0, 0, message);
}

static int fail_column(struct parser *parser, uint32_t column, const char *message)
{
	return fail_at(parser->error, parser->line.number, column, message);
}

static int fail(struct parser *parser, const struct token *token, const char *message)
{
	return fail_column(parser, token->column, message);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Reads the next token of the line; false at its end. A comment starts at any '#',
 * even one right after a token ("4K#pages"), and runs to the end of the line. */
static bool next_token(struct line *line, struct token *token)
{
	size_t start;

	while (line->cursor < line->length && is_blank(line->text[line->cursor]))
		line->cursor++;
	if (line->cursor == line->length || line->text[line->cursor] == '#')
		return false;
	start = line->cursor;
	while (line->cursor < line->length && !is_blank(line->text[line->cursor]) &&
	       line->text[line->cursor] != '#')
		line->cursor++;
	token->text = line->text + start;
	token->length = line->cursor - start;
	/* A line is at most POLICY_MAX_LINE bytes, so columns fit. */
	token->column = (uint32_t)start + 1;
	line->end_column = (uint32_t)line->cursor + 1;
	return true;
}

static int expect_argument(struct parser *parser, struct token *token)
{
	if (!next_token(&parser->line, token))
		return fail_column(parser, parser->line.end_column, "missing argument");
	return 0;
}

static int expect_end(struct parser *parser)
{
	struct token extra;

	if (next_token(&parser->line, &extra))
		return fail(parser, &extra, "too many arguments");
	return 0;
}

static bool token_is(const struct token *token, const char *word)
{
	return token->length == strlen(word) && !memcmp(token->text, word, token->length);
}

/* The index of the token in `names`, or -1. */
static int lookup(const struct token *token, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (token_is(token, names[i]))
			return (int)i;
	return -1;
}

/* Reads one word of `names`, failing with `unknown` for any other word. */
static int expect_word(struct parser *parser, struct token *token, const char *const *names,
		       size_t count, const char *unknown, int *index)
{
	if (expect_argument(parser, token))
		return -1;
	*index = lookup(token, names, count);
	if (*index < 0)
		return fail(parser, token, unknown);
	return 0;
}

static int claim_once(struct parser *parser, const struct token *token, enum once statement)
{
	if (parser->seen & (1u << statement))
		return fail(parser, token, "duplicate statement");
	parser->seen |= 1u << statement;
	return 0;
}

static int digit_value(char c, unsigned int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A number is decimal or 0x hexadecimal (digits in either case), then at most one
 * suffix K, M or G. The spelling is checked before the value, so "invalid number"
 * wins over an overflow in the same token. Where the README leaves room, the
 * stricter reading:
 * - a decimal number has no leading zero, so that 0100 cannot be meant as octal;
 * - the prefix is "0x" and the suffixes are upper case only (0X10 and 4k are
 *   invalid): each has one spelling, and K/M/G are always powers of 1024. */
static int parse_number(struct parser *parser, const struct token *token, uint64_t *value)
{
	const char *text = token->text;
	unsigned int base = 10, shift = 0;
	size_t first = 0, end;
	uint64_t result = 0;

	if (token->length >= 2 && text[0] == '0' && text[1] == 'x') {
		base = 16;
		first = 2;
	}
	for (end = first; end < token->length && digit_value(text[end], base) >= 0; end++)
		;
	if (end == first || (base == 10 && text[0] == '0' && end > 1))
		return fail(parser, token, "invalid number");
	if (end < token->length) {
		switch (text[end]) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		default: return fail(parser, token, "invalid number");
		}
		if (end + 1 != token->length)
			return fail(parser, token, "invalid number");
	}

	for (size_t i = first; i < end; i++) {
		unsigned int digit = (unsigned int)digit_value(text[i], base);

		if (result > (UINT64_MAX - digit) / base)
			return fail(parser, token, "number overflows 64 bits");
		result = result * base + digit;
	}
	if (result > UINT64_MAX >> shift)
		return fail(parser, token, "number overflows 64 bits");
	*value = result << shift;
	return 0;
}

static int expect_number(struct parser *parser, struct token *token, uint64_t *value)
{
	if (expect_argument(parser, token))
		return -1;
	return parse_number(parser, token, value);
}

static int parse_version(struct parser *parser, const struct token *keyword)
{
	struct token token;
	uint64_t version;

	if (claim_once(parser, keyword, ONCE_VERSION) || expect_number(parser, &token, &version))
		return -1;
	/* Checked before the rest of the line: a later version may have other syntax. */
	if (version != POLICY_VERSION)
		return fail(parser, &token, "unsupported policy version");
	return expect_end(parser);
}

static int parse_securebox_memory(struct parser *parser, const struct token *keyword)
{
	struct token token;
	uint64_t size;

	if (claim_once(parser, keyword, ONCE_SECUREBOX_MEMORY) ||
	    expect_number(parser, &token, &size))
		return -1;
	if (size < POLICY_SECUREBOX_MEMORY_MIN || size > POLICY_SECUREBOX_MEMORY_MAX ||
	    size % POLICY_SECUREBOX_MEMORY_MIN)
		return fail(parser, &token, "securebox memory must be 2M to 64M in 2M steps");
	parser->policy->securebox_memory = size;
	return expect_end(parser);
}

/* The language allows up to POLICY_CPUS_MAX; whether this hypervisor gives that many
 * is decided at launch, where the statement's location names it in the refusal. */
static int parse_cpus(struct parser *parser, const struct token *keyword)
{
	struct token token;
	uint64_t cpus;

	if (claim_once(parser, keyword, ONCE_CPUS) || expect_number(parser, &token, &cpus))
		return -1;
	if (cpus < 1 || cpus > POLICY_CPUS_MAX)
		return fail(parser, &token, "cpus must be 1 to 64");
	parser->policy->cpus = (uint32_t)cpus;
	parser->policy->cpus_location = (struct policy_location){ parser->line.number,
								  keyword->column };
	return expect_end(parser);
}

/* Whether [start_a, end_a) and [start_b, end_b) share an address; an empty or
 * inverted interval shares none. */
static bool intervals_intersect(uint64_t start_a, uint64_t end_a, uint64_t start_b,
				uint64_t end_b)
{
	uint64_t start = start_a > start_b ? start_a : start_b;
	uint64_t end = end_a < end_b ? end_a : end_b;

	return start < end;
}

static int parse_range(struct parser *parser, const struct token *keyword,
		       enum policy_range_kind kind)
{
	struct policy *policy = parser->policy;
	struct token address_token, size_token;
	uint64_t start, size;

	if (expect_number(parser, &address_token, &start))
		return -1;
	if (start % RANGE_ALIGNMENT)
		return fail(parser, &address_token, "range not 4 KiB aligned");
	if (expect_number(parser, &size_token, &size))
		return -1;
	if (size % RANGE_ALIGNMENT)
		return fail(parser, &size_token, "range not 4 KiB aligned");
	if (size == 0)
		return fail(parser, &size_token, "empty range");
	/* The end, start + size, must fit in 64 bits (ending exactly at 2^64 counts as
	 * wrapping), so that the hypervisor can compute it without overflow. */
	if (start + size < start)
		return fail(parser, &size_token, "range wraps around");
	if (expect_end(parser))
		return -1;

	if (policy->range_count == POLICY_MAX_RANGES)
		return fail(parser, keyword, "too many ranges");
	for (uint32_t i = 0; i < policy->range_count; i++)
		if (intervals_intersect(start, start + size, policy->ranges[i].start,
					policy->ranges[i].start + policy->ranges[i].size))
			return fail(parser, keyword, "ranges overlap");
	policy->ranges[policy->range_count++] = (struct policy_range){
		.start = start,
		.size = size,
		.kind = kind,
		.location = { parser->line.number, keyword->column },
	};
	return 0;
}

static int parse_hide(struct parser *parser, const struct token *keyword)
{
	return parse_range(parser, keyword, POLICY_RANGE_HIDDEN);
}

static int parse_read_only(struct parser *parser, const struct token *keyword)
{
	return parse_range(parser, keyword, POLICY_RANGE_READ_ONLY);
}

/* One or more distinct localities: hiding every locality from the commodity OS is
 * not expressible, as the language has no word for "none" here. */
static int parse_tpm_localities(struct parser *parser, const struct token *keyword)
{
	struct token token;
	uint64_t locality;
	uint8_t localities = 0;

	if (claim_once(parser, keyword, ONCE_TPM_LOCALITIES) || expect_argument(parser, &token))
		return -1;
	do {
		if (parse_number(parser, &token, &locality))
			return -1;
		if (locality >= POLICY_TPM_LOCALITY_COUNT)
			return fail(parser, &token, "unknown locality");
		if (localities & (1u << locality))
			return fail(parser, &token, "duplicate locality");
		localities |= 1u << locality;
	} while (next_token(&parser->line, &token));
	parser->policy->tpm_localities = localities;
	return 0;
}

static int parse_user_hypercalls(struct parser *parser, const struct token *keyword)
{
	struct token token;

	if (claim_once(parser, keyword, ONCE_USER_HYPERCALLS) || expect_argument(parser, &token))
		return -1;
	if (token_is(&token, "allow"))
		parser->policy->user_hypercalls = true;
	else if (token_is(&token, "deny"))
		parser->policy->user_hypercalls = false;
	else
		return fail(parser, &token, "user-hypercalls must be allow or deny");
	return expect_end(parser);
}

static int parse_allow(struct parser *parser, const struct token *keyword)
{
	struct token token;
	uint32_t allowed = 0;
	int caller, service;

	(void)keyword;
	if (expect_word(parser, &token, caller_names, ARRAY_SIZE(caller_names),
			"unknown caller", &caller))
		return -1;
	if (parser->allow[caller].line)
		return fail(parser, &token, "duplicate allow for caller");
	parser->allow[caller] = (struct policy_location){ parser->line.number, token.column };
	if (expect_argument(parser, &token))
		return -1;
	do {
		service = lookup(&token, service_names, ARRAY_SIZE(service_names));
		if (service < 0)
			return fail(parser, &token, "unknown service");
		if (allowed & (1u << service))
			return fail(parser, &token, "duplicate service");
		allowed |= 1u << service;
	} while (next_token(&parser->line, &token));
	parser->policy->allowed[caller] = allowed;
	return 0;
}

static int parse_message_limit(struct parser *parser, const struct token *keyword,
			       enum once statement, uint32_t *limit)
{
	struct token token;
	uint64_t size;

	if (claim_once(parser, keyword, statement) || expect_number(parser, &token, &size))
		return -1;
	if (size < POLICY_MESSAGE_MIN || size > POLICY_MESSAGE_MAX)
		return fail(parser, &token, "value out of range");
	*limit = (uint32_t)size;
	return expect_end(parser);
}

static int parse_max_request(struct parser *parser, const struct token *keyword)
{
	return parse_message_limit(parser, keyword, ONCE_MAX_REQUEST,
				   &parser->policy->max_request);
}

static int parse_max_response(struct parser *parser, const struct token *keyword)
{
	return parse_message_limit(parser, keyword, ONCE_MAX_RESPONSE,
				   &parser->policy->max_response);
}

static int parse_on_violation(struct parser *parser, const struct token *keyword)
{
	struct token token;
	int partition, action;

	(void)keyword;
	if (expect_word(parser, &token, partition_names, ARRAY_SIZE(partition_names),
			"unknown partition", &partition) ||
	    claim_once(parser, &token, ONCE_VIOLATION + partition) ||
	    expect_word(parser, &token, violation_names, ARRAY_SIZE(violation_names),
			"unknown action", &action))
		return -1;
	if (partition == PARTITION_COMMODITY) {
		parser->policy->commodity_violation = action;
	} else {
		/* The securebox has no fault handlers: a fault would only stop it later. */
		if (action != POLICY_VIOLATION_STOP)
			return fail(parser, &token, "securebox violations can only stop");
		parser->policy->securebox_violation = action;
	}
	return expect_end(parser);
}

static int parse_log(struct parser *parser, const struct token *keyword)
{
	struct token token;
	int component, level;

	(void)keyword;
	if (expect_word(parser, &token, component_names, ARRAY_SIZE(component_names),
			"unknown component", &component) ||
	    claim_once(parser, &token, ONCE_LOG + component) ||
	    expect_word(parser, &token, log_level_names, ARRAY_SIZE(log_level_names),
			"unknown log level", &level))
		return -1;
	if (component == COMPONENT_HYPERVISOR)
		parser->policy->hypervisor_log = level;
	else
		parser->policy->securebox_log = level;
	return expect_end(parser);
}

struct statement {
	const char *keyword;
	int (*parse)(struct parser *parser, const struct token *keyword);
};

static const struct statement statements[] = {
	{ "sbx-policy",       parse_version },
	{ "securebox-memory", parse_securebox_memory },
	{ "cpus",             parse_cpus },
	{ "hide",             parse_hide },
	{ "read-only",        parse_read_only },
	{ "tpm-localities",   parse_tpm_localities },
	{ "user-hypercalls",  parse_user_hypercalls },
	{ "allow",            parse_allow },
	{ "max-request",      parse_max_request },
	{ "max-response",     parse_max_response },
	{ "on-violation",     parse_on_violation },
	{ "log",              parse_log },
};

static int parse_statement(struct parser *parser)
{
	struct token keyword;

	if (!next_token(&parser->line, &keyword))
		return 0;       /* a blank or comment line */
	if (!(parser->seen & (1u << ONCE_VERSION)) && !token_is(&keyword, "sbx-policy"))
		return fail(parser, &keyword, "missing version line");
	for (size_t i = 0; i < ARRAY_SIZE(statements); i++)
		if (token_is(&keyword, statements[i].keyword))
			return statements[i].parse(parser, &keyword);
	return fail(parser, &keyword, "unknown statement");
}

/* Checks the line starting at `text` as text and makes it the current line;
 * `*length` is its length without the newline. Comments are checked as text too.
 * - Only printable ASCII and tab. A carriage return is a control character like any
 *   other: a file with \r\n line endings is rejected at the first \r.
 * - Every line ends with a newline, the last one too. A file cut short in the middle
 *   of a line is an error, not a statement with a smaller value (a truncated
 *   "hide 0x100000 0x10000" would otherwise hide only 0x1000 bytes). */
static int read_line(struct parser *parser, const char *text, size_t available, size_t *length)
{
	size_t i;

	for (i = 0; i < available && text[i] != '\n'; i++) {
		unsigned char byte = (unsigned char)text[i];

		if (i == POLICY_MAX_LINE)
			return fail_column(parser, i + 1, "line too long");
		if (byte == '\0')
			return fail_column(parser, i + 1, "NUL byte");
		if ((byte < ' ' && byte != '\t') || byte > '~')
			return fail_column(parser, i + 1, "non-ASCII or control character");
	}
	if (i == available)
		return fail_column(parser, i + 1, "missing newline at end of file");
	*length = i;
	parser->line.text = text;
	parser->line.length = i;
	parser->line.cursor = 0;
	parser->line.end_column = 1;
	return 0;
}

int policy_parse(const char *text, size_t size, struct policy *policy, struct policy_error *error)
{
	struct parser parser = { .policy = policy, .error = error };
	size_t offset = 0, length;

	if (size > POLICY_MAX_SIZE)
		return fail_file(error, "file too large");
	if (size == 0)
		return fail_file(error, "empty policy");
	policy_defaults(policy);
	while (offset < size) {
		parser.line.number++;
		if (read_line(&parser, text + offset, size - offset, &length) ||
		    parse_statement(&parser))
			return -1;
		offset += length + 1;
	}
	if (!(parser.seen & (1u << ONCE_VERSION)))
		return fail_file(error, "missing version line");
	/* Any order is allowed, so this can only be checked once every line is read. */
	if (parser.allow[POLICY_CALLER_USER].line && !policy->user_hypercalls) {
		error->location = parser.allow[POLICY_CALLER_USER];
		error->message = "allow user needs user-hypercalls allow";
		return -1;
	}
	return 0;
}

int policy_check_ranges(const struct policy *policy, const uint64_t (*protected)[2],
			size_t protected_count, struct policy_error *error)
{
	for (uint32_t i = 0; i < policy->range_count; i++) {
		const struct policy_range *range = &policy->ranges[i];

		for (size_t p = 0; p < protected_count; p++)
			if (intervals_intersect(range->start, range->start + range->size,
						protected[p][0], protected[p][1])) {
				error->location = range->location;
				error->message = "range overlaps hypervisor or securebox memory";
				return -1;
			}
	}
	return 0;
}
