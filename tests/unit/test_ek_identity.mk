# The verifier's identity half on attest's mbedTLS and libtss2-mu, against EKs and
# certificates from swtpm (tests/unit/fixtures/make_ek_fixtures.sh).
test_ek_identity_SOURCES := $(ATTEST_IDENTITY_SOURCES) attest/tpm_public_reader.c tests/unit/fixture_file.c
test_ek_identity_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu
$(BUILD)/unit/test_ek_identity: $(BUILD)/attest/libmbedcrypto-attest.a
