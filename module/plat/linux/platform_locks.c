// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_locks.c - um_plat_lock_* (IRQ-safe spinlock) and um_plat_mutex_*
 * (sleeping lock) for the core, each allocated on the node it guards.
 *
 * The core holds a um_lock only for list and bitmap work and never calls a
 * [sleeps] platform function under it; nothing in this shim that the core
 * calls with a um_lock held (scrub, events, pages_free, now_ns) sleeps or
 * sends IPIs.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "platform.h"

/*
 * A cache line (or whole lines) each. kmalloc() aligns power-of-two sizes
 * to their size, so a lock never shares its line: packed into one
 * kmalloc-8 line, the CPUs' magazine locks, each taken twice per page,
 * would pass that line between the CPUs on every allocation and free.
 */
struct um_lock {
	spinlock_t lock;
} ____cacheline_aligned;

struct um_mutex {
	struct mutex mutex;
};

static int um_lock_node(int nid)
{
	return nid == UM_NUMA_NO_NODE ? NUMA_NO_NODE : nid;
}

/* One lockdep class per kind: a magazine's lock is held around its node's. */
static struct lock_class_key um_lock_keys[UM_LOCK_NR];

struct um_lock *um_plat_lock_create(struct um_platform *p, int nid,
				    enum um_lock_kind kind)
{
	struct um_lock *l = kmalloc_node(sizeof(*l), GFP_KERNEL | __GFP_NOWARN,
					 um_lock_node(nid));

	if (l) {
		spin_lock_init(&l->lock);
		if ((unsigned int)kind < UM_LOCK_NR)
			lockdep_set_class(&l->lock, &um_lock_keys[kind]);
	}
	return l;
}

void um_plat_lock_destroy(struct um_platform *p, struct um_lock *l)
{
	kfree(l);
}

unsigned long um_plat_lock(struct um_lock *l)
{
	unsigned long flags;

	spin_lock_irqsave(&l->lock, flags);
	return flags;
}

void um_plat_unlock(struct um_lock *l, unsigned long flags)
{
	spin_unlock_irqrestore(&l->lock, flags);
}

struct um_mutex *um_plat_mutex_create(struct um_platform *p, int nid)
{
	struct um_mutex *m = kmalloc_node(sizeof(*m), GFP_KERNEL | __GFP_NOWARN,
					  um_lock_node(nid));

	if (m)
		mutex_init(&m->mutex);
	return m;
}

void um_plat_mutex_destroy(struct um_platform *p, struct um_mutex *m)
{
	if (m)
		mutex_destroy(&m->mutex);
	kfree(m);
}

void um_plat_mutex_lock(struct um_mutex *m)
{
	mutex_lock(&m->mutex);
}

int um_plat_mutex_trylock(struct um_mutex *m)
{
	return mutex_trylock(&m->mutex);
}

void um_plat_mutex_unlock(struct um_mutex *m)
{
	mutex_unlock(&m->mutex);
}
