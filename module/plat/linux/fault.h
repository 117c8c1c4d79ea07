/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault.h - failures injected on purpose into the platform functions the
 * core depends on, so tests can prove that each failure reaches the caller
 * as a clean error and that no page is lost or left unmapped.
 *
 * Always built, disarmed at load. Each hook is a static branch that is a
 * NOP until a test arms a knob in /sys/kernel/debug/unmapped/fault/ (see
 * fault.c): a disarmed module pays one patched-out jump per block
 * allocation, direct-map change and scrub, and nothing else. Unload
 * disarms every knob first, so an injected failure never keeps pages out
 * of the direct map beyond the module's life.
 */
#ifndef UNMAPPED_SHIM_FAULT_H
#define UNMAPPED_SHIM_FAULT_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct dentry;

enum um_fault_kind {
	UM_FAULT_BLOCK_ALLOC,	/* um_plat_block_alloc(): -ENOMEM */
	UM_FAULT_DM_REMOVE,	/* um_plat_dm_set_{range,page}(present=0) */
	UM_FAULT_DM_RESTORE,	/* um_plat_dm_set_{range,page}(present=1) */
	UM_FAULT_SCRUB,		/* um_plat_scrub(): -EIO, pages unchanged */
	UM_FAULT_NR
};

DECLARE_STATIC_KEY_FALSE(um_fault_key);

bool __um_fault(enum um_fault_kind kind, u64 pfn, u64 nr, bool *after);

/**
 * um_fault() - should this call fail on purpose? [atomic]
 * @kind: which platform function asks.
 * @pfn: first page concerned, @nr: how many (reported in the knob's "last").
 * @after: set when the knob asks for the work to be done before failing
 *	   (direct-map range changes only; may be NULL elsewhere).
 * Return: true to fail the call now.
 */
static __always_inline bool um_fault(enum um_fault_kind kind, u64 pfn,
				     u64 nr, bool *after)
{
	if (!static_branch_unlikely(&um_fault_key))
		return false;
	return __um_fault(kind, pfn, nr, after);
}

void um_fault_init(struct dentry *parent);
void um_fault_exit(void);

#endif /* UNMAPPED_SHIM_FAULT_H */
