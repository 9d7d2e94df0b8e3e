/* A test-and-test-and-set spinlock for the few structures CPUs share (the
 * console). Not recursive: a CPU that takes it twice spins for ever. */
#ifndef SBX_HV_SPINLOCK_H
#define SBX_HV_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t locked;
};

static inline void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
