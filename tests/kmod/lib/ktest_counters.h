/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_counters.h - what direct-map work costs the whole machine, read
 * from the kernel's own counters, for the test modules' measurements.
 */
#ifndef UNMAPPED_KTEST_COUNTERS_H
#define UNMAPPED_KTEST_COUNTERS_H

#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "ktest_compat.h"

/**
 * struct ktest_counters - machine-wide counts since boot.
 * @call_ipis: call-function IPIs received (kernel TLB flushes among
 *	       them), exact, unlike /proc/interrupts' CAL row.
 * @tlb_ipis: user-mm TLB shootdowns received (also in @call_ipis).
 * @splits_l2: direct-map 2M->4K splits (/proc/vmstat
 *	       direct_map_level2_splits).
 * @splits_l3: direct-map 1G->2M splits (direct_map_level3_splits).
 */
struct ktest_counters {
	u64 call_ipis;
	u64 tlb_ipis;
	u64 splits_l2;
	u64 splits_l3;
};

static inline void ktest_read_counters(struct ktest_counters *c)
{
	int cpu;

	memset(c, 0, sizeof(*c));
	for_each_possible_cpu(cpu) {
		c->call_ipis += ktest_call_ipis(cpu);
		c->tlb_ipis += ktest_tlb_ipis(cpu);
		c->splits_l2 += per_cpu(vm_event_states, cpu).event[DIRECT_MAP_LEVEL2_SPLIT];
		c->splits_l3 += per_cpu(vm_event_states, cpu).event[DIRECT_MAP_LEVEL3_SPLIT];
	}
}

/*
 * Let direct-map work the kernel queued by itself finish before a
 * measurement starts, so that it is not counted against what a test does:
 * insmod frees a module's init sections from a work item, after
 * synchronize_rcu(), and vfree() of them (VM_FLUSH_RESET_PERMS) may split
 * the 2M mapping around those pages and flushes every CPU; lazy vmap
 * purges and delayed fput() run from work items too. The kernel's own wait
 * for the init free (flush_module_init_free_work()) is not exported;
 * flushing the whole queue includes it. That queue is schedule_work()'s:
 * system_wq before 6.17, system_percpu_wq from 6.17 and in the stable
 * kernels that took it (Debian's 6.12.117 has), where system_wq may be a
 * queue of its own. Kbuild sets KTEST_PERCPU_WQ from the header, as no
 * release number tells. Last, the vmap areas vfree() left to be purged
 * lazily (the stacks of exited kthreads: an earlier benchmark path's
 * threads) are purged now: that flush is owed by whoever freed them, and
 * the next set_memory_*() would pay it inside the measurement (6.1 and
 * 6.12 purge in every CPA call). With nothing pending it flushes nothing.
 */
static inline void ktest_flush_work(void)
{
#ifdef KTEST_PERCPU_WQ
	__flush_workqueue(system_percpu_wq);
#endif
	__flush_workqueue(system_wq);
}

static inline void ktest_settle(void)
{
	ktest_flush_work();
	vm_unmap_aliases();
}

#endif /* UNMAPPED_KTEST_COUNTERS_H */
