// SPDX-License-Identifier: GPL-2.0-only
/*
 * oom.c - before the OOM killer kills, the cache gives back every free page.
 *
 * The shrinker leaves min_cached_mb alone and, unless shrink_partial, the
 * free pages of 2M blocks that still have pages handed out (giving those
 * back splits the block's direct mapping). When reclaim has failed and the
 * kernel is about to kill a process, neither rule is worth a life: the OOM
 * notifier (as virtio-balloon deflates on OOM) releases whatever is free,
 * and a non-zero count makes out_of_memory() retry the allocation instead
 * of killing. Memory cgroup OOMs do not call it: cached pages are charged
 * to no cgroup, so freeing them would not help there.
 *
 * The notifier runs in the allocating task, with oom_lock held. A release
 * takes no sleeping lock of the core (shrinker.c says why that cannot
 * deadlock), and PF_MEMALLOC keeps a page-table allocation of the
 * direct-map restore from entering reclaim again: it takes the reserves
 * or fails, and the core then keeps those pages (leaked_pages).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/notifier.h>
#include <linux/oom.h>
#include <linux/sched/mm.h>

#include "front.h"

static int um_oom_notify(struct notifier_block *nb, unsigned long unused,
			 void *data)
{
	struct um_cache *cache = READ_ONCE(um_front.cache);
	unsigned long *freed = data;
	unsigned int noreclaim;
	um_u64 n;

	if (!cache)
		return NOTIFY_DONE;
	noreclaim = memalloc_noreclaim_save();
	n = um_cache_shrink(cache, UM_NUMA_NO_NODE, ~(um_u64)0,
			    UM_SHRINK_NOWAIT | UM_SHRINK_ALL);
	memalloc_noreclaim_restore(noreclaim);
	atomic64_inc(&um_front.oom_calls);
	atomic64_add(n, &um_front.oom_pages);
	*freed += n;
	return NOTIFY_OK;
}

static struct notifier_block um_oom_nb = {
	.notifier_call = um_oom_notify,
};

int um_oom_init(void)
{
	int err = register_oom_notifier(&um_oom_nb);

	if (err)
		pr_err("cannot register the OOM notifier (%d)\n", err);
	return err;
}

/** um_oom_exit() - on return the notifier runs nowhere. [sleeps] */
void um_oom_exit(void)
{
	unregister_oom_notifier(&um_oom_nb);
}
