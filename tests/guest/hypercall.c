#include "hypercall.h"

const char *hypercall_status_name(int64_t status)
{
	switch (status) {
	case SBX_OK:
		return "SBX_OK";
	case SBX_E_UNKNOWN_CALL:
		return "SBX_E_UNKNOWN_CALL";
	case SBX_E_INVALID_ARGUMENT:
		return "SBX_E_INVALID_ARGUMENT";
	case SBX_E_BAD_ADDRESS:
		return "SBX_E_BAD_ADDRESS";
	case SBX_E_TOO_LARGE:
		return "SBX_E_TOO_LARGE";
	case SBX_E_UNALIGNED:
		return "SBX_E_UNALIGNED";
	case SBX_E_DENIED:
		return "SBX_E_DENIED";
	case SBX_E_UNAVAILABLE:
		return "SBX_E_UNAVAILABLE";
	case SBX_E_RESPONSE_TOO_LARGE:
		return "SBX_E_RESPONSE_TOO_LARGE";
	}
	return "an undefined status";
}
