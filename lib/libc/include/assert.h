/* mbedTLS includes <assert.h> only for static assertions; runtime assert() is not
 * offered, because the hypervisor must report failures itself, never abort. */
#ifndef SBX_LIBC_ASSERT_H
#define SBX_LIBC_ASSERT_H
#define static_assert _Static_assert
#endif
