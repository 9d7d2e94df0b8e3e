/* One world switch: load a partition's general registers, VMLOAD/VMRUN/VMSAVE its
 * VMCB, store its registers back, and VMLOAD the host's own hidden state, so that no
 * partition ever runs with, or leaves behind, another's FS, GS, TR, LDTR, KernelGS
 * or syscall MSRs. GIF stays clear in the host (svm_init), so no interrupt or NMI is
 * taken between these instructions; VMRUN sets GIF for the guest.
 *
 *   void svm_run(struct guest_registers *registers, uint64_t vmcb, uint64_t host_state);
 */
#include "arch/x86/guest_registers.h"

	.text
	.global svm_run
svm_run:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* registers */
	pushq %rdx                      /* host state */
	movq %rsi, %rax                 /* VMCB; VMRUN takes it in RAX */
	pushq %rax

	movq GUEST_RBX(%rdi), %rbx
	movq GUEST_RCX(%rdi), %rcx
	movq GUEST_RDX(%rdi), %rdx
	movq GUEST_RSI(%rdi), %rsi
	movq GUEST_RBP(%rdi), %rbp
	movq GUEST_R8(%rdi), %r8
	movq GUEST_R9(%rdi), %r9
	movq GUEST_R10(%rdi), %r10
	movq GUEST_R11(%rdi), %r11
	movq GUEST_R12(%rdi), %r12
	movq GUEST_R13(%rdi), %r13
	movq GUEST_R14(%rdi), %r14
	movq GUEST_R15(%rdi), %r15
	movq GUEST_RDI(%rdi), %rdi

	vmload %rax
	vmrun %rax
	vmsave %rax

	pushq %rdi                      /* the guest's RDI, to free a register */
	movq 24(%rsp), %rdi             /* registers */
	movq %rbx, GUEST_RBX(%rdi)
	movq %rcx, GUEST_RCX(%rdi)
	movq %rdx, GUEST_RDX(%rdi)
	movq %rsi, GUEST_RSI(%rdi)
	movq %rbp, GUEST_RBP(%rdi)
	movq %r8, GUEST_R8(%rdi)
	movq %r9, GUEST_R9(%rdi)
	movq %r10, GUEST_R10(%rdi)
	movq %r11, GUEST_R11(%rdi)
	movq %r12, GUEST_R12(%rdi)
	movq %r13, GUEST_R13(%rdi)
	movq %r14, GUEST_R14(%rdi)
	movq %r15, GUEST_R15(%rdi)
	popq %rax
	movq %rax, GUEST_RDI(%rdi)

	popq %rax                       /* VMCB, no longer needed */
	popq %rax                       /* host state */
	vmload %rax
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
