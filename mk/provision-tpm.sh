#!/bin/sh
# Gives a swtpm state directory an EK (RSA-2048) certificate and a platform
# certificate from a local CA kept in build/tpm-ca/, so that the attestation agent
# has an EK certificate and sbx-attest a root to pin. The CA is created on first use
# and reused after; a lock serialises runs that race for it. Only files of our own
# are used: no /etc/swtpm_setup.conf, /var/lib/swtpm-localca or ~/.config.
#   mk/provision-tpm.sh STATE_DIR
# The chain: swtpm-localca-rootca-cert.pem (self-signed root, pinned by the
# verifier) -> issuercert.pem (the intermediate that signs) -> the EK certificate in
# TPM NV index 0x01c00002.
# It leaves STATE_DIR/sbx-provisioned behind, so that a caller can tell a
# provisioned state from a fresh one without starting swtpm (running this again
# would wipe the state).
set -eu
[ $# -eq 1 ] || { echo "usage: mk/provision-tpm.sh STATE_DIR" >&2; exit 2; }
state="$1"
[ -d "$state" ] || { echo "provision-tpm: $state is not a directory" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
ca="$root/build/tpm-ca"
# The CA's private keys sign EK certificates: whoever reads them can mint one.
umask 077
mkdir -p "$ca"
chmod 700 "$ca"

# One run at a time: the first creates the CA, and the serial number file must
# not be shared by two runs at once.
exec 9> "$ca/.lock"
flock -w 60 9 || { echo "provision-tpm: $ca/.lock held for 60 s" >&2; exit 1; }

# swtpm_localca names its files after the localca.conf entries; the root is
# written beside them as swtpm-localca-rootca-*.pem.
cat > "$ca/localca.conf" <<EOF
statedir = $ca
signingkey = $ca/signkey.pem
issuercert = $ca/issuercert.pem
certserial = $ca/certserial
EOF
cat > "$ca/swtpm_setup.conf" <<EOF
create_certs_tool= /usr/bin/swtpm_localca
create_certs_tool_config = $ca/localca.conf
create_certs_tool_options = /etc/swtpm-localca.options
active_pcr_banks = sha256
EOF

# swtpm_setup reads XDG_CONFIG_HOME for its defaults; point it at our directory so
# that no user configuration leaks in.
XDG_CONFIG_HOME="$ca" swtpm_setup --tpm2 --tpmstate "$state" --create-ek-cert \
	--create-platform-cert --lock-nvram --config "$ca/swtpm_setup.conf" --overwrite \
	> "$ca/last-setup.log" 2>&1 || {
	cat "$ca/last-setup.log" >&2
	echo "provision-tpm: swtpm_setup failed for $state" >&2
	exit 1
}
for file in swtpm-localca-rootca-cert.pem issuercert.pem; do
	[ -s "$ca/$file" ] || { echo "provision-tpm: $ca/$file missing after setup" >&2; exit 1; }
done
echo "EK certificate from $ca/issuercert.pem" > "$state/sbx-provisioned"
