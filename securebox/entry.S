/* Securebox entry. The hypervisor enters here in 64-bit mode at CPL 0, with paging
 * on (its identity map), interrupts off, RDI = the boot information page, and no
 * stack we may trust: take our own before any C code runs. .bss is already zero,
 * because the hypervisor zero-fills each segment's memsz beyond its filesz. */
	.section .text.entry, "ax"
	.code64
	.global securebox_entry
securebox_entry:
	movq $stack_top, %rsp
	xorl %ebp, %ebp                 /* end of the frame chain, for debuggers */
	cld                             /* the C ABI assumes DF = 0 */
	call securebox_main             /* RDI passes through untouched */
	/* securebox_main never returns; if it did, fault so the hypervisor stops us. */
	ud2

	/* 64 KiB; securebox.ld puts it directly above a read-only page. The deepest
	 * path, an ECDSA signature, measured about 10 KiB (mbedTLS keeps bignums and
	 * points on the heap, but its HMAC_DRBG and digest buffers on the stack). */
	.section .bss.stack, "aw", @nobits
	.balign 4096
stack:
	.skip 65536
stack_top:

	.section .note.GNU-stack, "", @progbits
