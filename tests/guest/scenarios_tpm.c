/* The TPM localities above 0 belong to the hypervisor: their register pages are
 * absent from the commodity's nested page tables, so it can neither take them
 * nor extend the PCRs (17-19) the measured launch filled. */
#include <string.h>

#include "console.h"
#include "exceptions.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"
#include "tpm_client.h"

#define FIRST_HIDDEN_LOCALITY 1
#define LOCALITY_COUNT        5
#define ATTACKED_PCR          17
#define TPM_RC_LOCALITY       0x907
#define MEASUREMENT_PCR_FIRST 17
#define MEASUREMENT_PCR_LAST  19

static const char attack_event[] = "sbx-test: the commodity OS extending PCR 17";

static struct tpm_client tpm;

static bool hidden_localities_fault(uint64_t base)
{
	for (unsigned locality = FIRST_HIDDEN_LOCALITY; locality < LOCALITY_COUNT; locality++) {
		uint64_t access = base + locality * TIS_LOCALITY_SIZE + TPM_ACCESS_REGISTER;
		uint8_t value;

		if (!expect_fault(probe_read8(access, &value), VECTOR_GP,
				  "read of the TPM ACCESS register at", access) ||
		    !expect_fault(probe_write8(access, TPM_ACCESS_REQUEST_USE), VECTOR_GP,
				  "write of requestUse to the TPM ACCESS register at", access))
			return false;
	}
	return true;
}

/* With locality 0 held: the extend must be refused and leave the PCR as it was. */
static bool extend_refused(void)
{
	struct tpm2_digest before, after;
	const char *error;

	error = tpm_client_pcr_read(&tpm, ATTACKED_PCR, &before);
	if (error)
		return fail("TPM2_PCR_Read of PCR 17: %s (response code 0x%x)", error,
			    tpm.response_code);
	error = tpm_client_pcr_event(&tpm, ATTACKED_PCR, attack_event, sizeof(attack_event));
	if (error)
		return fail("TPM2_PCR_Event on PCR 17: %s", error);
	if (tpm.response_code != TPM_RC_LOCALITY)
		return fail("TPM2_PCR_Event on PCR 17 at locality 0 answered 0x%x, not "
			    "TPM_RC_LOCALITY (0x907)", tpm.response_code);
	error = tpm_client_pcr_read(&tpm, ATTACKED_PCR, &after);
	if (error)
		return fail("TPM2_PCR_Read of PCR 17 after the attack: %s (response code 0x%x)",
			    error, tpm.response_code);
	if (before.size != after.size || memcmp(before.bytes, after.bytes, before.size))
		return fail("PCR 17 changed although the extend was refused");
	return true;
}

bool tpm_localities(void)
{
	const char *error;
	bool refused;

	if (!boot_info->tpm_base)
		return fail("the boot information gives no TPM");
	if (!hidden_localities_fault(boot_info->tpm_base))
		return false;
	error = tpm_client_open(&tpm, boot_info->tpm_base);
	if (error)
		return fail("locality 0: %s", error);
	refused = extend_refused();
	tpm_client_close(&tpm);
	return refused;
}

void report_measurement_pcrs(void)
{
	const char *error = boot_info->tpm_base ? tpm_client_open(&tpm, boot_info->tpm_base)
						: "the boot information gives no TPM";

	for (uint32_t pcr = MEASUREMENT_PCR_FIRST; pcr <= MEASUREMENT_PCR_LAST; pcr++) {
		struct tpm2_digest value;
		const char *read_error = error ? error : tpm_client_pcr_read(&tpm, pcr, &value);

		if (read_error) {
			print("sbx-test: pcr%u sha256 unreadable: %s\n", pcr, read_error);
			continue;
		}
		print("sbx-test: pcr%u sha256 ", pcr);
		print_hex(value.bytes, value.size);
		print("\n");
	}
	if (!error)
		tpm_client_close(&tpm);
}
