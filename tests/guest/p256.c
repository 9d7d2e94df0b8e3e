#include "mbedtls/ecp.h"
#include "p256.h"

#define SEC1_UNCOMPRESSED 0x04

const char *p256_public_key_problem(const uint8_t key[SBX_PUBLIC_KEY_SIZE])
{
	mbedtls_ecp_group group;
	mbedtls_ecp_point point;
	const char *problem = NULL;

	if (key[0] != SEC1_UNCOMPRESSED)
		return "it is no uncompressed SEC1 point";
	mbedtls_ecp_group_init(&group);
	mbedtls_ecp_point_init(&point);
	if (mbedtls_ecp_group_load(&group, MBEDTLS_ECP_DP_SECP256R1) != 0)
		problem = "mbedTLS could not load the P-256 group";
	else if (mbedtls_ecp_point_read_binary(&group, &point, key, SBX_PUBLIC_KEY_SIZE) != 0 ||
		 mbedtls_ecp_check_pubkey(&group, &point) != 0)
		problem = "it is no point on P-256";
	mbedtls_ecp_point_free(&point);
	mbedtls_ecp_group_free(&group);
	return problem;
}
