// SPDX-License-Identifier: GPL-2.0-only
/*
 * compat.c - APIs that moved between kernel versions (see compat.h). The
 * unexported kernel functions are called from kcall.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include "compat.h"

/* --- shrinker: embedded and registered by name before 6.7, allocated after --- */

void um_compat_account_reclaimed(unsigned long pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	mm_account_reclaimed_pages(pages);
#else
	/* What fs/inode.c and xfs_buf do for pages their shrinkers free. */
	if (current->reclaim_state)
		current->reclaim_state->reclaimed_slab += pages;
#endif
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
struct um_compat_shrinker {
	struct shrinker *s;
};

struct um_compat_shrinker *um_compat_shrinker_register(
	const char *name,
	unsigned long (*count)(struct shrinker *, struct shrink_control *),
	unsigned long (*scan)(struct shrinker *, struct shrink_control *))
{
	struct um_compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);

	if (!cs)
		return ERR_PTR(-ENOMEM);
	cs->s = shrinker_alloc(SHRINKER_NUMA_AWARE, "%s", name);
	if (!cs->s) {
		kfree(cs);
		return ERR_PTR(-ENOMEM);
	}
	cs->s->count_objects = count;
	cs->s->scan_objects = scan;
	cs->s->seeks = DEFAULT_SEEKS;
	shrinker_register(cs->s);
	return cs;
}

void um_compat_shrinker_unregister(struct um_compat_shrinker *cs)
{
	shrinker_free(cs->s);
	kfree(cs);
}
#else
struct um_compat_shrinker {
	struct shrinker s;
};

struct um_compat_shrinker *um_compat_shrinker_register(
	const char *name,
	unsigned long (*count)(struct shrinker *, struct shrink_control *),
	unsigned long (*scan)(struct shrinker *, struct shrink_control *))
{
	struct um_compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	int err;

	if (!cs)
		return ERR_PTR(-ENOMEM);
	cs->s.count_objects = count;
	cs->s.scan_objects = scan;
	cs->s.seeks = DEFAULT_SEEKS;
	cs->s.flags = SHRINKER_NUMA_AWARE;
	err = register_shrinker(&cs->s, "%s", name);
	if (err) {
		kfree(cs);
		return ERR_PTR(err);
	}
	return cs;
}

void um_compat_shrinker_unregister(struct um_compat_shrinker *cs)
{
	unregister_shrinker(&cs->s);
	kfree(cs);
}
#endif
