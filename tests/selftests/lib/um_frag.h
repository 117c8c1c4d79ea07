/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * um_frag.h - a fragmented cache, for tests of regions made of many small
 * blocks: the page allocator can serve large blocks, so the cache only
 * builds such regions when it has nothing larger free and may not refill.
 *
 * um_frag_make() empties the cache of free blocks (drop_caches runs its
 * shrinker), takes 2 * N order-0 blocks (one-page BLOCK regions: whole 2M
 * refills) and frees N of them chosen by
 * their page frame, so that no two freed pages are buddies and none merge:
 * UM_FRAG_SINGLES frees every odd pfn (no two free pages adjacent),
 * UM_FRAG_PAIRS frees pfns 4k+1 and 4k+2 (adjacent, but not buddies).
 * um_fault_set("block_alloc", ...) then stops refills, and the next ALLOC
 * gets order-0 blocks from exactly the freed pfns. Needs root (REGION
 * reports pfns to CAP_SYS_ADMIN only) and debugfs. Header-only.
 *
 * It runs pinned to the CPU it starts on: order-0 pages come through that
 * CPU's per-CPU list (percpu_pages), which it leaves empty when the
 * allocations end, where a thread that moved would leave pages free on
 * the list of a CPU it left.
 */
#ifndef UNMAPPED_UM_FRAG_H
#define UNMAPPED_UM_FRAG_H

#include <sched.h>
#include <stdlib.h>

#include "um_test.h"

#define UM_FAULT_DIR	"/sys/kernel/debug/unmapped/fault/"

enum um_frag_pattern { UM_FRAG_SINGLES, UM_FRAG_PAIRS };

struct um_frag {
	uint64_t *held;		/* ids of the one-page regions kept */
	size_t nr_held;
	uint64_t *free_pfns;	/* pfns given back, ascending */
	size_t nr_free;
};

static inline int um_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static inline bool um_frag_frees(enum um_frag_pattern pattern, uint64_t pfn)
{
	return pattern == UM_FRAG_SINGLES ? pfn % 2 == 1 :
	       pfn % 4 == 1 || pfn % 4 == 2;
}

/*
 * Leave @nr_free free order-0 pages in the cache (a multiple of 256, so the
 * refills are whole 2M blocks and no other page is left free). Returns 0,
 * -errno of the first ALLOC, REGION or FREE that failed (everything taken
 * is given back then), or -EPROTO if other pages are free in the cache
 * too (blocks held elsewhere).
 */
static inline int um_frag_make(int fd, size_t nr_free,
			       enum um_frag_pattern pattern, struct um_frag *fr)
{
	size_t i, total = 2 * nr_free;
	uint64_t *ids = calloc(total, sizeof(*ids));
	uint64_t *pfns = calloc(total, sizeof(*pfns));
	int err = ids && pfns ? 0 : -ENOMEM;

	cpu_set_t was, here;
	bool pinned = false;

	CPU_ZERO(&here);
	CPU_SET(sched_getcpu(), &here);
	if (!sched_getaffinity(0, sizeof(was), &was))
		pinned = !sched_setaffinity(0, sizeof(here), &here);
	memset(fr, 0, sizeof(*fr));
	fr->held = calloc(total, sizeof(*fr->held));
	fr->free_pfns = calloc(total, sizeof(*fr->free_pfns));
	if (!fr->held || !fr->free_pfns)
		err = -ENOMEM;
	um_write_file("/proc/sys/vm/drop_caches", "2");
	for (i = 0; !err && i < total; i++) {
		struct unmapped_region rg;
		struct unmapped_alloc a;

		err = um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK, 0, -1, &a);
		if (err)
			break;
		ids[i] = a.id;
		err = um_region(fd, a.id, &rg);
		pfns[i] = rg.min_pfn;
		if (!err && !rg.min_pfn)
			err = -EPERM;	/* pfns hidden: not CAP_SYS_ADMIN */
	}
	for (size_t j = 0; j < i; j++) {
		if (err || um_frag_frees(pattern, pfns[j])) {
			int e = um_free(fd, ids[j]);

			if (!err)
				fr->free_pfns[fr->nr_free++] = pfns[j];
			if (e && !err)
				err = e;
		} else {
			fr->held[fr->nr_held++] = ids[j];
		}
	}
	if (!err && um_stat("pages_free") != (long long)nr_free)
		err = -EPROTO;
	qsort(fr->free_pfns, fr->nr_free, sizeof(uint64_t), um_cmp_u64);
	if (pinned)
		sched_setaffinity(0, sizeof(was), &was);
	free(ids);
	free(pfns);
	return err;
}

/*
 * Open the device for a test that fragments the cache, or skip the test
 * when what it needs is missing (root for REGION pfns and the knobs,
 * debugfs for fault/block_alloc).
 */
static inline int um_frag_open(void)
{
	int fd = um_open();

	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));
	if (geteuid() != 0)
		ksft_exit_skip("needs root (REGION pfns, module parameters, fault knobs)");
	if (access(UM_FAULT_DIR "block_alloc/nth", W_OK))
		ksft_exit_fail("no %sblock_alloc (debugfs)", UM_FAULT_DIR);
	/* Whole 2M refills, one per refill: no batch (6.13+) of more. */
	if (um_write_value(UM_PARAMS "refill_batch_max", "1"))
		ksft_exit_fail("cannot set %srefill_batch_max", UM_PARAMS);
	return fd;
}

/* Give the kept pages back. */
static inline void um_frag_undo(int fd, struct um_frag *fr)
{
	for (size_t i = 0; i < fr->nr_held; i++)
		um_free(fd, fr->held[i]);
	free(fr->held);
	free(fr->free_pfns);
	memset(fr, 0, sizeof(*fr));
}

/*
 * Arm fault knob @kind to fail @times calls in a row (-1: every call) from
 * the next one on, or disarm it (@times 0). Returns 0 or -errno.
 */
static inline int um_fault_set(const char *kind, int times)
{
	char path[128], val[16];
	int err;

	if (times) {
		snprintf(path, sizeof(path), UM_FAULT_DIR "%s/times", kind);
		snprintf(val, sizeof(val), "%d", times);
		err = um_write_value(path, val);
		if (err)
			return err;
	}
	snprintf(path, sizeof(path), UM_FAULT_DIR "%s/nth", kind);
	return um_write_value(path, times ? "1" : "0");
}

#endif /* UNMAPPED_UM_FRAG_H */
