// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuhp.c - a CPU that goes offline gives its per-CPU pages back.
 *
 * Each CPU keeps up to percpu_pages free pages per node in front of the
 * node's lock (module/core/magazine.h). An offline CPU allocates nothing,
 * so its pages would wait for the shrinker or a drain, and meanwhile keep
 * their 2M blocks from going back whole. The "dead" step of a dynamic
 * hotplug state runs on a surviving CPU once the CPU is gone, as the page
 * allocator drains its own pcp lists (page_alloc_cpu_dead()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>

#include "front.h"

static int um_cpuhp_state;

static int um_cpu_dead(unsigned int cpu)
{
	struct um_cache *cache = READ_ONCE(um_front.cache);

	if (cache)
		um_cache_drain_cpu(cache, cpu);
	return 0;
}

int um_cpuhp_init(void)
{
	int state = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					      "unmapped:dead", NULL,
					      um_cpu_dead);

	if (state < 0) {
		pr_err("cannot register the CPU hotplug callback (%d)\n", state);
		return state;
	}
	um_cpuhp_state = state;
	return 0;
}

void um_cpuhp_exit(void)
{
	if (um_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(um_cpuhp_state);
	um_cpuhp_state = 0;
}
