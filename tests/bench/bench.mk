# `make bench`'s host programs: what a signature verification costs the verifier
# (tests/bench/signature_cost.c), with the same mbedTLS archive as sbx-attest.
SIGNATURE_COST_SOURCES := tests/bench/signature_cost.c $(ATTEST_QUOTE_SOURCES)

$(BUILD)/signature-cost: $(SIGNATURE_COST_SOURCES) $(BUILD)/attest/libmbedcrypto-attest.a
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude $(ATTEST_MBEDTLS_CPPFLAGS) \
		-o $@ $(SIGNATURE_COST_SOURCES) $(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu
