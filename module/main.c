// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - module entry and exit for unmapped.ko.
 *
 * Load: resolve the kernel functions we need, set up the platform (scrub
 * windows), create the core with the module parameters, then open the
 * ways in: debugfs, the shrinker, CPU hotplug, the hibernation notifier, generic
 * netlink, /dev/unmapped. Each
 * step is undone by the label named after it, in reverse; unload runs the
 * same undo steps in the same order.
 *
 * Unload is refused while any block is handed out (every block holds a
 * module reference, see api.c), so exit finds every page back in the cache,
 * returns it all to the page allocator and checks that nothing is left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/module.h>

#include "chardev.h"
#include "compat.h"
#include "front.h"
#include "main.h"
#include "obs.h"
#include "platform.h"
#include "secretfile.h"

extern const char um_core_build[];

/* The core speaks Linux errno values; make sure they are this kernel's. */
static void __init um_check_errnos(void)
{
	BUILD_BUG_ON(UM_ENOENT != ENOENT);
	BUILD_BUG_ON(UM_EAGAIN != EAGAIN);
	BUILD_BUG_ON(UM_ENOMEM != ENOMEM);
	BUILD_BUG_ON(UM_EBUSY != EBUSY);
	BUILD_BUG_ON(UM_ENODEV != ENODEV);
	BUILD_BUG_ON(UM_EINVAL != EINVAL);
	BUILD_BUG_ON(UM_ERANGE != ERANGE);
	BUILD_BUG_ON(UM_EALREADY != EALREADY);
	BUILD_BUG_ON(UM_EIO != EIO);
	BUILD_BUG_ON(UM_PMD_ORDER != PMD_SHIFT - PAGE_SHIFT);
}

static int __init um_core_init(void)
{
	struct um_config cfg;
	struct um_cache *cache;
	int err;

	um_params_config(&cfg);
	err = um_cache_create(&um_platform, &cfg, &cache);
	if (err) {
		pr_err("cannot create the cache (%d)%s\n", err,
		       err == -EINVAL ? ": invalid parameters (min/prefill above max_cached_mb?)" : "");
		return err;
	}
	WRITE_ONCE(um_platform.cache, cache);
	WRITE_ONCE(um_front.cache, cache);
	um_platform_work_enable(&um_platform, true);
	um_params_attach(cache);
	return 0;
}

/*
 * Give everything back and check that it all went: nothing may stay
 * unmapped. Every pr_err() here starts with "unload:" so that tests can
 * tell a clean unload from a lossy one.
 */
static void um_core_exit(void)
{
	struct um_cache *cache = um_platform.cache;
	struct um_stats st;
	u64 kept;
	int err;

	um_params_detach();
	um_platform_work_enable(&um_platform, false);
	um_cache_drain(cache);
	um_cache_stats(cache, UM_NUMA_NO_NODE, &st);
	if (st.v[UM_STAT_pages_cached] || st.v[UM_STAT_pages_in_use])
		pr_err("unload: %llu pages could not go back to the page allocator (%llu in use); they stay unmapped and are leaked\n",
		       st.v[UM_STAT_pages_cached], st.v[UM_STAT_pages_in_use]);
	/* Taken but neither cached nor given back: failed to map back. */
	kept = st.v[UM_STAT_refill_pages] - st.v[UM_STAT_release_pages] -
	       st.v[UM_STAT_pages_cached];
	if (kept)
		pr_err("unload: %llu pages could not be mapped back to the direct map; they stay out of the page allocator (leaked)\n",
		       kept);
	if (atomic64_read(&um_platform.refused_free_pages))
		pr_err("unload: %lld pages were leaked because they were still unmapped when freed\n",
		       atomic64_read(&um_platform.refused_free_pages));
	if (atomic64_read(&um_platform.dm_level_drops))
		pr_err("unload: %lld direct-map range changes split a large mapping they covered whole\n",
		       atomic64_read(&um_platform.dm_level_drops));
	err = um_cache_destroy(cache);
	if (err) {
		/* Cannot happen while blocks hold module references. */
		pr_err("unload: cache still busy (%d): leaking it\n", err);
		return;
	}
	WRITE_ONCE(um_front.cache, NULL);
	WRITE_ONCE(um_platform.cache, NULL);
	pr_info("unloaded: %llu blocks taken, %llu released, %llu pages taken, %llu returned, %llu direct-map calls, %llu flushes, %llu/%llu 2M/1G splits\n",
		st.v[UM_STAT_refills], st.v[UM_STAT_releases],
		st.v[UM_STAT_refill_pages], st.v[UM_STAT_release_pages],
		st.v[UM_STAT_dm_calls], st.v[UM_STAT_tlb_flushes],
		st.v[UM_STAT_splits_l2], st.v[UM_STAT_splits_l3]);
}

static int __init unmapped_init(void)
{
	int err;

	um_check_errnos();
	err = um_compat_resolve();
	if (err)
		return err;
	um_platform_init(&um_platform);
	err = um_scrub_init();
	if (err)
		return err;
	err = um_core_init();
	if (err)
		goto undo_scrub;
	um_debugfs_init(um_platform.cache);
	err = um_shrinker_init();
	if (err)
		goto undo_debugfs;
	err = um_oom_init();
	if (err)
		goto undo_shrinker;
	err = um_cpuhp_init();
	if (err)
		goto undo_oom;
	err = um_pm_init();
	if (err)
		goto undo_cpuhp;
	err = um_nl_init(um_platform.cache);
	if (err)
		goto undo_pm;
	err = um_secret_init();
	if (err)
		goto undo_netlink;
	err = um_chardev_init(um_platform.cache);
	if (err)
		goto undo_secret;

	pr_info("loaded, core built with %s\n", um_core_build);
	return 0;

undo_secret:
	um_secret_exit();
undo_netlink:
	um_nl_exit();
undo_pm:
	um_pm_exit();
undo_cpuhp:
	um_cpuhp_exit();
undo_oom:
	um_oom_exit();
undo_shrinker:
	um_shrinker_exit();
undo_debugfs:
	um_debugfs_exit();
	um_core_exit();
undo_scrub:
	um_pages_exit();
	um_scrub_exit();
	return err;
}

static void __exit unmapped_exit(void)
{
	um_chardev_exit();
	um_secret_exit();
	um_nl_exit();
	um_pm_exit();
	um_cpuhp_exit();
	um_oom_exit();
	um_shrinker_exit();
	um_debugfs_exit();
	um_core_exit();
	um_pages_exit();
	um_scrub_exit();
}

module_init(unmapped_init);
module_exit(unmapped_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pages removed from the kernel direct map, without shattering it");
MODULE_AUTHOR("The unmapped developers");
MODULE_VERSION(UM_VERSION);
