// SPDX-License-Identifier: GPL-2.0-only
/*
 * params.c - module parameters, settable at load and at runtime through
 * /sys/module/unmapped/parameters/.
 *
 * Every write is checked by the core (um_cache_set_config()) and applied at
 * once; a value it refuses (a cap below the watermarks, say) fails the
 * write with EINVAL and leaves the old value. Sizes are MiB PER NUMA NODE.
 *
 * Locking: the kernel holds kernel_param_lock(THIS_MODULE) around every
 * ->set from sysfs; the same lock guards um_params and um_params_cache
 * here, so a write never races with load or unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/string.h>

#include "main.h"
#include "platform.h"

/* MiB -> pages without overflow. */
#define UM_MB_MAX	(ULONG_MAX >> (20 - PAGE_SHIFT))

static struct {
	unsigned int backend;		/* enum um_backend */
	unsigned long max_cached_mb;
	unsigned long min_cached_mb;
	unsigned long prefill_mb;
	bool shrink_partial;
	bool keep_1g;
	unsigned int percpu_pages;
	unsigned int refill_batch_max;
} um_params = {
	.backend = UM_BACKEND_RANGE,
	.max_cached_mb = 64,
	.keep_1g = true,
	.percpu_pages = 256,
};

static struct um_cache *um_params_cache;

static const char *const um_backend_names[UM_BACKEND_NR] = {
	[UM_BACKEND_RANGE] = "range",
	[UM_BACKEND_PAGE] = "page",
};

/** um_backend_name() - "range" or "page"; "unknown" for anything else. */
const char *um_backend_name(enum um_backend backend)
{
	if ((unsigned int)backend >= UM_BACKEND_NR)
		return "unknown";
	return um_backend_names[backend];
}

static unsigned long um_mb_to_pages(unsigned long mb)
{
	return mb << (20 - PAGE_SHIFT);
}

static void um_params_to_config(struct um_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = um_params.backend;
	cfg->max_free_pages = um_mb_to_pages(um_params.max_cached_mb);
	cfg->min_free_pages = um_mb_to_pages(um_params.min_cached_mb);
	cfg->prefill_pages = um_mb_to_pages(um_params.prefill_mb);
	cfg->shrink_partial = um_params.shrink_partial;
	cfg->keep_1g = um_params.keep_1g;
	cfg->percpu_pages = um_params.percpu_pages;
	cfg->refill_batch_max = um_params.refill_batch_max;
}

/**
 * um_params_config() - the configuration the parameters describe now.
 * @cfg: filled in.
 */
void um_params_config(struct um_config *cfg)
{
	kernel_param_lock(THIS_MODULE);
	um_params_to_config(cfg);
	kernel_param_unlock(THIS_MODULE);
}

/* With the param lock held: give the live cache the new values. */
static int um_params_apply(void)
{
	struct um_config cfg;

	/* Before the cache exists, um_cache_create() checks them. */
	if (!um_params_cache)
		return 0;
	um_params_to_config(&cfg);
	return um_cache_set_config(um_params_cache, &cfg) ? -EINVAL : 0;
}

/**
 * um_params_attach() - writes from now on reconfigure @cache. [sleeps]
 * A value written while the cache was being created is applied here; if
 * the core refuses it, the parameters go back to what @cache runs with.
 */
void um_params_attach(struct um_cache *cache)
{
	kernel_param_lock(THIS_MODULE);
	um_params_cache = cache;
	if (um_params_apply()) {
		struct um_config cfg;

		um_cache_get_config(cache, &cfg);
		um_params.backend = cfg.backend;
		um_params.max_cached_mb = cfg.max_free_pages >> (20 - PAGE_SHIFT);
		um_params.min_cached_mb = cfg.min_free_pages >> (20 - PAGE_SHIFT);
		um_params.prefill_mb = cfg.prefill_pages >> (20 - PAGE_SHIFT);
		um_params.shrink_partial = cfg.shrink_partial;
		um_params.keep_1g = cfg.keep_1g;
		um_params.percpu_pages = cfg.percpu_pages;
		um_params.refill_batch_max = cfg.refill_batch_max;
		pr_warn("parameters written during load were refused; kept the load-time values\n");
	}
	kernel_param_unlock(THIS_MODULE);
}

/** um_params_detach() - writes no longer reach the cache (unload). */
void um_params_detach(void)
{
	kernel_param_lock(THIS_MODULE);
	um_params_cache = NULL;
	kernel_param_unlock(THIS_MODULE);
}

static int um_param_set_backend(const char *val, const struct kernel_param *kp)
{
	unsigned int old = um_params.backend;
	int b = sysfs_match_string(um_backend_names, val);
	int err;

	if (b < 0)
		return -EINVAL;
	um_params.backend = b;
	err = um_params_apply();
	if (err)
		um_params.backend = old;
	return err;
}

static int um_param_get_backend(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", um_backend_name(um_params.backend));
}

static const struct kernel_param_ops um_param_backend_ops = {
	.set = um_param_set_backend,
	.get = um_param_get_backend,
};

static int um_param_set_mb(const char *val, const struct kernel_param *kp)
{
	unsigned long *field = kp->arg;
	unsigned long old = *field, mb;
	int err;

	err = kstrtoul(val, 0, &mb);
	if (err)
		return err;
	if (mb > UM_MB_MAX)
		return -ERANGE;
	*field = mb;
	err = um_params_apply();
	if (err) {
		*field = old;
		return err;
	}
	/*
	 * A larger prefill target is met soon, not at the next refill; by a
	 * work item, not here: this runs under kernel_param_lock, which every
	 * read and write of our parameters takes, and a prefill may reclaim
	 * for seconds.
	 */
	if (field == &um_params.prefill_mb && mb > old && um_params_cache)
		um_platform_request_prefill(&um_platform);
	return 0;
}

static const struct kernel_param_ops um_param_mb_ops = {
	.set = um_param_set_mb,
	.get = param_get_ulong,
};

/* shrink_partial, keep_1g: a bool the core checks too. */
static int um_param_set_partial(const char *val, const struct kernel_param *kp)
{
	bool *field = kp->arg;
	bool old = *field;
	int err = param_set_bool(val, kp);

	if (err)
		return err;
	err = um_params_apply();
	if (err)
		*field = old;
	return err;
}

static const struct kernel_param_ops um_param_partial_ops = {
	.set = um_param_set_partial,
	.get = param_get_bool,
};

/* percpu_pages, refill_batch_max: a count the core bounds. */
static int um_param_set_count(const char *val, const struct kernel_param *kp)
{
	unsigned int *field = kp->arg;
	unsigned int old = *field;
	int err = param_set_uint(val, kp);

	if (err)
		return err;
	err = um_params_apply();
	if (err)
		*field = old;
	return err;
}

static const struct kernel_param_ops um_param_count_ops = {
	.set = um_param_set_count,
	.get = param_get_uint,
};

module_param_cb(backend, &um_param_backend_ops, NULL, 0644);
MODULE_PARM_DESC(backend,
		 "How blocks leave the direct map: range (default; whole blocks, one change, no 2M split) or page (per page, splits it). Applies to blocks taken after a change.");

module_param_cb(max_cached_mb, &um_param_mb_ops, &um_params.max_cached_mb, 0644);
MODULE_PARM_DESC(max_cached_mb,
		 "Cap on FREE cached memory per NUMA node in MiB; the excess goes back to the page allocator soon after a free, in whole 2M blocks. Free pages inside blocks that still have pages handed out count against the cap but stay until their block is wholly free, unless shrink_partial=Y (giving them back splits the block's 2M direct mapping). 0 = no cap (the shrinker alone limits it). Default 64.");

module_param_cb(min_cached_mb, &um_param_mb_ops, &um_params.min_cached_mb, 0644);
MODULE_PARM_DESC(min_cached_mb,
		 "Free cached memory per NUMA node in MiB that the shrinker leaves alone (not the OOM killer: before it kills, every free page goes back). Default 0.");

module_param_cb(prefill_mb, &um_param_mb_ops, &um_params.prefill_mb, 0644);
MODULE_PARM_DESC(prefill_mb,
		 "Memory per NUMA node in MiB taken into the cache at load, and in the background when raised, best effort. Default 0.");

module_param_cb(shrink_partial, &um_param_partial_ops, &um_params.shrink_partial, 0644);
MODULE_PARM_DESC(shrink_partial,
		 "Let the shrinker release free parts of partly used 2M blocks (splits their 2M direct mapping). Default N.");

module_param_cb(keep_1g, &um_param_partial_ops, &um_params.keep_1g, 0644);
MODULE_PARM_DESC(keep_1g,
		 "Keep 1G direct-map entries whole: a range-backend refill whose block lies in a 1G entry looks for one already mapped below 1G (low zone first, at most 4 extra blocks, then a walk over free blocks by address, at most 1024 looks; counted in refill_1g_*), and splits the 1G entry only when none is found. N takes the page allocator's block as it comes. Applies to refills after a change. Default Y.");

module_param_cb(percpu_pages, &um_param_count_ops, &um_params.percpu_pages, 0644);
MODULE_PARM_DESC(percpu_pages,
		 "Free order-0 pages each CPU keeps per node in front of the node's lock (0..256, 0 = none), moved 64 at a time; fewer under a small max_cached_mb (all CPUs together keep at most a quarter of it, and none if that is below 128 pages each). Emptied by the shrinker, drains, hibernation and CPU offline. Default 256.");

module_param_cb(refill_batch_max, &um_param_count_ops, &um_params.refill_batch_max, 0644);
MODULE_PARM_DESC(refill_batch_max,
		 "Most 2M blocks one range-backend refill takes out of the direct map under one TLB flush, on kernels that can defer the flush (6.13+): 0 = as many as keep that flush's IPIs to one per 1000 pages at the online CPU count, up to 8 (never above 1/256 of the node or max_cached_mb); on kernels that cannot (6.1, 6.12) a batch of 2 or more is one 4M block instead; 1 = one 2M block per refill. Default 0.");
