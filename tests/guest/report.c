#include <stdarg.h>
#include <stddef.h>

#include "console.h"
#include "cpu_tables.h"
#include "exceptions.h"
#include "probe.h"
#include "report.h"

static const char *current_scenario;
static unsigned passed_count, failed_count;

void report_begin(const char *scenario)
{
	current_scenario = scenario;
}

static void print_failure(const char *format, va_list arguments)
{
	print("sbx-test: %s: FAIL ", current_scenario);
	vprint(format, arguments);
	print("\n");
}

bool fail(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	print_failure(format, arguments);
	va_end(arguments);
	return false;
}

void report_end(bool passed)
{
	if (passed) {
		print("sbx-test: %s: PASS\n", current_scenario);
		passed_count++;
	} else {
		failed_count++;
	}
	current_scenario = NULL;
}

void report_end_run(void)
{
	print("sbx-test: %u passed, %u failed\n", passed_count, failed_count);
	print("sbx-test: triple-fault: triggering\n");
	cpu_triple_fault();
}

/* A run that cannot go on ends now, through the same shutdown as a complete
 * one, rather than at a system test's timeout. */
void report_abort(const char *format, ...)
{
	va_list arguments;

	if (current_scenario) {
		va_start(arguments, format);
		print_failure(format, arguments);
		va_end(arguments);
	}
	failed_count++;
	report_end_run();
}

bool expect_fault(unsigned result, unsigned vector, const char *action, uint64_t address)
{
	if (result == PROBE_NO_FAULT)
		return fail("%s 0x%lx did not fault", action, address);
	if (result != vector)
		return fail("%s 0x%lx raised vector %u, not %u", action, address, result,
			    vector);
	if (vector == VECTOR_GP && last_fault.error_code != 0)
		return fail("%s 0x%lx raised #GP(0x%lx), not #GP(0)", action, address,
			    last_fault.error_code);
	return true;
}
