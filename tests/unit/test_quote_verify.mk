# The quote half of the verifier, on attest's mbedTLS and libtss2-mu, against quotes
# made by swtpm (tests/unit/fixtures/make_quote_fixtures.sh).
test_quote_verify_SOURCES := $(ATTEST_QUOTE_SOURCES) tests/unit/fixture_file.c
test_quote_verify_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu
$(BUILD)/unit/test_quote_verify: $(BUILD)/attest/libmbedcrypto-attest.a
