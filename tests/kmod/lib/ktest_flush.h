/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_flush.h - the IPIs that flushed kernel TLB entries, counted exactly.
 *
 * Call-function IPIs (ktest_counters.h) carry kernel TLB flushes, but also
 * user-mm shootdowns, expedited RCU grace periods, the drains of other
 * CPUs' page and LRU lists, and the scheduler's nohz idle-balance kick,
 * which a busy CPU sends an idle one from its tick: a floor that grows
 * with the run's length, not with its direct-map work. A kernel flush
 * callback (do_flush_tlb_all, do_kernel_range_flush, __cpa_flush_tlb,
 * __cpa_flush_all) runs in hardirq context only on a CPU that received
 * the IPI (the CPU that asked runs it with interrupts off, not in
 * hardirq), so kprobes on them count exactly those IPIs.
 *
 * Include it in one file of a module; ktest_flush_init() at load,
 * ktest_flush_exit() at unload.
 */
#ifndef UNMAPPED_KTEST_FLUSH_H
#define UNMAPPED_KTEST_FLUSH_H

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

static DEFINE_PER_CPU(u64, ktest_flush_ipi_count);

static int ktest_flush_probe(struct kprobe *kp, struct pt_regs *regs)
{
	if (in_hardirq())
		this_cpu_inc(ktest_flush_ipi_count);
	return 0;
}

static struct kprobe ktest_flush_probes[] = {
	{ .symbol_name = "do_flush_tlb_all", .pre_handler = ktest_flush_probe },
	{ .symbol_name = "do_kernel_range_flush", .pre_handler = ktest_flush_probe },
	{ .symbol_name = "__cpa_flush_tlb", .pre_handler = ktest_flush_probe },
	{ .symbol_name = "__cpa_flush_all", .pre_handler = ktest_flush_probe },
};
static struct kprobe *ktest_flush_probe_list[ARRAY_SIZE(ktest_flush_probes)];

/* Return: 0, or register_kprobes()'s error (a callback not found). */
static inline int ktest_flush_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ktest_flush_probes); i++)
		ktest_flush_probe_list[i] = &ktest_flush_probes[i];
	return register_kprobes(ktest_flush_probe_list,
				ARRAY_SIZE(ktest_flush_probe_list));
}

static inline void ktest_flush_exit(void)
{
	unregister_kprobes(ktest_flush_probe_list,
			   ARRAY_SIZE(ktest_flush_probe_list));
}

/* Kernel-flush IPIs received since load, summed over CPUs. */
static inline u64 ktest_flush_ipis(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(ktest_flush_ipi_count, cpu);
	return n;
}

#endif /* UNMAPPED_KTEST_FLUSH_H */
