# The identity half of the verifier (ATTESTATION.md, steps 1 and 3): the EK's
# public area, its certificate's chain to the pinned CA, and MakeCredential. Compile
# the sources with -Iinclude $(ATTEST_MBEDTLS_CPPFLAGS) and link them with
# $(ATTEST_QUOTE_SOURCES) (whose TPM2B_PUBLIC reader ek_public.c shares),
# libmbedcrypto-attest.a and -ltss2-mu.
ATTEST_IDENTITY_SOURCES := attest/ek_public.c attest/ek_certificate.c \
	attest/make_credential.c attest/kdfa.c

# X.509 with PEM files and public keys for the EK certificate; RSA-OAEP, AES-CFB and
# HMAC need no module beyond those already archived (rsa, aes, md).
ATTEST_MBEDTLS_IDENTITY_MODULES := x509 x509_crt pk pk_wrap pkparse pem base64
ATTEST_MBEDTLS_IDENTITY_OBJECTS := \
	$(patsubst %,$(BUILD)/attest/mbedtls/%.o,$(ATTEST_MBEDTLS_IDENTITY_MODULES))

$(patsubst %,$(MBEDTLS_SRC)/library/%.c,$(ATTEST_MBEDTLS_IDENTITY_MODULES)): | $(MBEDTLS_OK)

$(ATTEST_MBEDTLS_IDENTITY_OBJECTS): $(BUILD)/attest/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c \
		attest/attest_mbedtls_config.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -g $(ATTEST_MBEDTLS_CPPFLAGS) -c $< -o $@

$(BUILD)/attest/libmbedcrypto-attest.a: $(ATTEST_MBEDTLS_IDENTITY_OBJECTS)

# A command-line driver of make_credential() for the interoperability test
# (tests/system/test_make_credential_interop.py), which hands its output to swtpm.
MAKE_CREDENTIAL_DRIVER_SOURCES := tests/unit/make_credential_driver.c \
	$(ATTEST_IDENTITY_SOURCES) attest/tpm_public_reader.c

$(BUILD)/make-credential-driver: $(MAKE_CREDENTIAL_DRIVER_SOURCES) attest/ek_identity.h \
		attest/kdfa.h attest/tpm_public_reader.h $(BUILD)/attest/libmbedcrypto-attest.a
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude $(ATTEST_MBEDTLS_CPPFLAGS) \
		-o $@ $(MAKE_CREDENTIAL_DRIVER_SOURCES) $(BUILD)/attest/libmbedcrypto-attest.a \
		-ltss2-mu
