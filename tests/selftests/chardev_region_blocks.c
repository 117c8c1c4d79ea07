// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_region_blocks - a region is made of at most
 * UNMAPPED_MAX_REGION_BLOCKS blocks, so its block array stays small (a
 * region of 2^28 order-0 blocks would ask kvmalloc() for 2 GiB, beyond
 * INT_MAX: a WARN). Over the cap ALLOC fails with EFBIG and leaves nothing
 * behind: no page in use, no charge, no id, the free pages still free.
 *
 * The test lowers the cap through the test-only module parameter
 * max_region_blocks: a request whose shape alone needs too many blocks is
 * refused before anything is taken; one that runs over while it fills from
 * a fragmented cache (lib/um_frag.h, refills failed on purpose) gives back
 * what it took, also for an unprivileged caller whose locked memory was
 * charged.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/wait.h>

#include "lib/um_frag.h"

#define PAGE		4096UL
#define CAP		64	/* blocks, in the fragmented part */

static int fd;

static bool expect(int got, int want, const char *what)
{
	return ksft_test(got == want, "%s: %s%s%s", what, want ? strerror(-want) : "ok",
			 got == want ? "" : ", got ", got == want ? "" : got ? strerror(-got) : "ok");
}

static bool set_cap(unsigned long blocks)
{
	char v[32];

	snprintf(v, sizeof(v), "%lu", blocks);
	return !um_set_param("max_region_blocks", v);
}

/*
 * Nothing left of a refused ALLOC: the file holds only its @held one-page
 * regions, no other page is in use.
 */
static void check_nothing_left(long long in_use, size_t held, const char *after)
{
	struct unmapped_query q;

	um_query(fd, &q);
	ksft_test(q.regions == held && q.bytes == held * PAGE && q.pending_bytes == 0,
		  "%s: no region left but the %zu one-page ones (%llu regions, %llu bytes, %llu pending)",
		  after, held, (unsigned long long)q.regions, (unsigned long long)q.bytes,
		  (unsigned long long)q.pending_bytes);
	ksft_test(um_stat("pages_in_use") == in_use, "%s: no page in use (%lld, want %lld)",
		  after, um_stat("pages_in_use"), in_use);
}

static void test_param(void)
{
	char v[32];

	snprintf(v, sizeof(v), "%u", UNMAPPED_MAX_REGION_BLOCKS + 1);
	ksft_test(um_set_param("max_region_blocks", v) == -EINVAL &&
		  um_set_param("max_region_blocks", "0") == -EINVAL,
		  "max_region_blocks refuses 0 and more than UNMAPPED_MAX_REGION_BLOCKS (EINVAL)");
}

/* Requests whose shape needs more blocks than the cap. */
static void test_shape(long long in_use)
{
	struct unmapped_alloc a;

	if (!ksft_test(set_cap(2), "max_region_blocks=2"))
		return;
	/* 7 pages are at least 3 blocks (4 + 2 + 1). */
	expect(um_alloc(fd, 7 * PAGE, 0, 0, -1, NULL), -EFBIG, "cap 2: ALLOC 7 pages");
	check_nothing_left(in_use, 0, "7 pages refused");
	if (expect(um_alloc(fd, 6 * PAGE, 0, 0, -1, &a), 0, "cap 2: ALLOC 6 pages (4 + 2)"))
		um_free(fd, a.id);
	if (expect(um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK, 10, -1, &a), 0,
		   "cap 2: ALLOC one order-10 block"))
		um_free(fd, a.id);
}

/*
 * An unprivileged child whose RLIMIT_MEMLOCK is two caps' worth of pages:
 * ALLOC of all of it fails with EFBIG once charged, the charge comes back
 * (VmPin 0), and two regions at the cap then use the whole limit.
 */
enum { UNPRIV_EFBIG, UNPRIV_VMPIN, UNPRIV_CHARGE, UNPRIV_NR };
static const char *const unpriv_desc[UNPRIV_NR] = {
	"unprivileged, RLIMIT_MEMLOCK 512 KiB: ALLOC 512 KiB over the cap is EFBIG",
	"... VmPin is 0 after it",
	"... the charge came back: two ALLOCs of 256 KiB at the cap use the whole limit",
};

static void test_unprivileged(void)
{
	struct rlimit rl = { 2 * CAP * PAGE, 2 * CAP * PAGE };
	struct unmapped_alloc a, b;
	int status, bits = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(0xff);
		if (um_alloc(fd, 2 * CAP * PAGE, 0, 0, -1, NULL) != -EFBIG)
			bits |= 1 << UNPRIV_EFBIG;
		if (um_file_value("/proc/self/status", "VmPin") != 0)
			bits |= 1 << UNPRIV_VMPIN;
		if (um_alloc(fd, CAP * PAGE, 0, 0, -1, &a) ||
		    um_alloc(fd, CAP * PAGE, 0, 0, -1, &b) || um_free(fd, a.id) ||
		    um_free(fd, b.id))
			bits |= 1 << UNPRIV_CHARGE;
		_exit(bits);
	}
	waitpid(pid, &status, 0);
	um_report_bits(status, unpriv_desc, UNPRIV_NR);
}

/* A fill that runs over the cap in a cache of free order-0 pages. */
static void test_fragmented(long long in_use)
{
	struct unmapped_region rg;
	struct unmapped_alloc a;
	long long free0;
	struct um_frag fr;
	int err;

	err = um_frag_make(fd, 4 * CAP, UM_FRAG_SINGLES, &fr);
	if (!ksft_test(!err, "leave %d order-0 pages free in the cache (%s)", 4 * CAP,
		       err ? strerror(-err) : "ok"))
		goto out_undo;
	err = um_fault_set("block_alloc", -1);
	if (!ksft_test(!err, "fail every refill (fault/block_alloc: %s)",
		       err ? strerror(-err) : "ok"))
		goto out_undo;
	if (!ksft_test(set_cap(CAP), "max_region_blocks=%d", CAP))
		goto out_disarm;
	in_use += fr.nr_held;
	free0 = um_stat("pages_free");

	/* One order-7 block would do, but only order-0 pages are free. */
	expect(um_alloc(fd, 2 * CAP * PAGE, 0, 0, -1, NULL), -EFBIG,
	       "fragmented, cap 64: ALLOC 128 pages");
	check_nothing_left(in_use, fr.nr_held, "128 pages refused mid-fill");
	ksft_test(um_stat("pages_free") == free0,
		  "... the free pages it took are free again (%lld, want %lld)",
		  um_stat("pages_free"), free0);
	err = um_alloc(fd, CAP * PAGE, 0, 0, -1, &a);
	if (!err)
		err = um_region(fd, a.id, &rg);
	ksft_test(!err && rg.nr_blocks == CAP,
		  "fragmented, cap 64: ALLOC 64 pages is 64 blocks (%s, %u blocks)",
		  err ? strerror(-err) : "ok", rg.nr_blocks);
	if (!err)
		um_free(fd, a.id);
	test_unprivileged();
	check_nothing_left(in_use, fr.nr_held, "the fragmented part");
out_disarm:
	um_fault_set("block_alloc", 0);
out_undo:
	um_frag_undo(fd, &fr);
}

int main(void)
{
	long long in_use;
	char old[32];

	fd = um_frag_open();
	ksft_plan(0);
	in_use = um_stat("pages_in_use");
	ksft_test(um_read_number(UM_PARAMS "max_region_blocks") == UNMAPPED_MAX_REGION_BLOCKS,
		  "max_region_blocks is UNMAPPED_MAX_REGION_BLOCKS (%u) by default",
		  UNMAPPED_MAX_REGION_BLOCKS);
	snprintf(old, sizeof(old), "%u", UNMAPPED_MAX_REGION_BLOCKS);

	test_param();
	test_shape(in_use);
	test_fragmented(in_use);

	ksft_test(set_cap(UNMAPPED_MAX_REGION_BLOCKS), "max_region_blocks back to %s", old);
	close(fd);
	ksft_test(um_stat_wait("pages_in_use", in_use, 5000) == in_use,
		  "pages back at the end (pages_in_use %lld, start %lld)", um_stat("pages_in_use"),
		  in_use);
	ksft_exit();
}
