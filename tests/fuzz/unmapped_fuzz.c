// SPDX-License-Identifier: GPL-2.0-only
/*
 * unmapped_fuzz - many processes doing random, valid and invalid things to
 * /dev/unmapped at once, then proof that nothing was lost.
 *
 *   unmapped_fuzz [-d SECONDS] [-p PROCS] [-s SEED] [-f] [-R SEED [-n OPS]] [-v]
 *
 * Workers (PROCS at a time, default 4) each run a random sequence drawn
 * from their own seed: every ioctl with valid and corrupted arguments
 * (sizes, flags, ids, orders, nodes, lengths, pointers, command numbers),
 * mmap/munmap/mprotect/mremap/madvise of regions at random offsets and
 * lengths with random protections, reads and writes of what is mapped,
 * fork (children poke at the parent's regions and must fail), passing a
 * descriptor to another process over a socket (the receiver must not reach
 * the sender's regions), closing a descriptor from one thread while another
 * uses it, dup/close/reopen, killing children, and secret files
 * (UNMAPPED_IOC_SECRET: flags, sizes, mappings, touches past the size,
 * fork). A worker ends after a number of operations drawn from its seed,
 * by returning, by _exit() without cleaning up or by SIGKILL to itself,
 * and the next worker starts with the next seed, until SECONDS (default
 * 30) have passed. With -f a chaos process also rewrites the module
 * parameters, drops caches and arms the fault-injection knobs at random
 * (module/plat/linux/fault.c).
 *
 * Every call's result is checked against what the ABI promises
 * (include/uapi/linux/unmapped.h); anything else is reported as
 * "UNEXPECTED seed=S op=N: ..." and fails the run. Each worker prints its
 * seed when it starts: "unmapped_fuzz -R SEED" replays that one worker's
 * sequence alone (-n stops it after OPS operations, -v prints every one).
 * Timing-dependent parts (the close race, kill points) cannot replay
 * exactly; the sequence of operations does.
 *
 * Bytes written through a mapping are read back later, through any
 * mapping of the same region: a region holds what its owner wrote, since
 * no other process can reach it and the cache must not move or scrub pages
 * in use.
 *
 * At the end every process is gone, and the module's pages_in_use must be
 * back to 0, no block may still have pages in use, and every page of a
 * cached block must be absent from the direct map unless released (debugfs
 * blocks). Then, from outside the module, once its cache is emptied: the
 * kernel's direct map (walked by unmapped_test.ko) has every 2M region
 * present again that was present before the run, but for pages the module
 * keeps after a failed restore (fault injection); free memory is back
 * within the runner's slack (plus those pages, the ones held for their
 * kernel high-map alias, and 4 KiB per direct-map
 * split, whose page table the kernel keeps); and the page allocator refused no page
 * freed while still absent from the direct map (refused_free_pages).
 * Output is TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define MAX_FDS		6
#define MAX_REGIONS	48
#define MAX_MAPS	48
#define MAX_KIDS	4
#define BUDGET_PAGES	(96UL << 8)	/* 96 MiB of live regions per worker */
#define FAULT_DIR	"/sys/kernel/debug/unmapped/fault/"

/* --- shared counters (MAP_SHARED, all processes) ------------------------- */

enum op_kind {
	OP_ALLOC, OP_ALLOC_BAD, OP_FREE, OP_REGION, OP_QUERY, OP_INFO,
	OP_RANDOM_IOCTL, OP_MMAP, OP_MMAP_BAD, OP_MUNMAP, OP_MPROTECT,
	OP_MREMAP, OP_MADVISE, OP_TOUCH, OP_FORK, OP_KILL, OP_PASS_FD,
	OP_CLOSE_RACE, OP_DUP, OP_CLOSE, OP_OPEN, OP_SECRET, OP_NR
};

static const char *const op_names[OP_NR] = {
	"alloc", "alloc_bad", "free", "region", "query", "info",
	"random_ioctl", "mmap", "mmap_bad", "munmap", "mprotect", "mremap",
	"madvise", "touch", "fork", "kill", "pass_fd", "close_race", "dup",
	"close", "open", "secret",
};

struct shared {
	atomic_ulong ops[OP_NR];
	atomic_ulong unexpected;
	atomic_ulong workers;
	atomic_ulong children;
	atomic_ulong chaos_actions;
	atomic_ulong faults_armed;
	atomic_ulong zero_checked_pages;
	atomic_ulong read_back;		/* bytes read back as written */
};

static struct shared *sh;
static int verbose;

/* --- random numbers: splitmix64, one stream per process ------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int percent)
{
	return below(100) < percent;
}

/* --- one worker's view of its world --------------------------------------- */

struct fdent {
	int fd;
	int file;		/* same number: same open file (dup) */
};

struct region {
	int file;
	uint64_t id, offset, length;
	int fresh;		/* never mapped: must read zero */
};

struct mapping {
	unsigned char *addr;
	size_t pages;
	uint64_t id;
	int file;
	unsigned char *prot;	/* per page: 0 unmapped, else PROT_* + 1 */
	int pristine;		/* one VMA, never split or mprotected */
	int unreliable;		/* madvise may have zapped it */
};

struct kid {
	pid_t pid;
};

/* A byte written at @off of region @id (of file @file), to be read back. */
struct written {
	int file;
	uint64_t id;
	size_t off;
	unsigned char val;
};

#define NR_WRITTEN	64

static struct {
	uint64_t seed, op;
	struct fdent fds[MAX_FDS];
	int nr_fds, next_file;
	struct region regions[MAX_REGIONS];
	int nr_regions;
	struct mapping maps[MAX_MAPS];
	int nr_maps;
	struct kid kids[MAX_KIDS];
	int nr_kids;
	struct written wrote[NR_WRITTEN];	/* the latest writes, a ring */
	int nr_wrote, next_wrote;
	unsigned long live_pages;
	int nr_nodes;
	int is_child;		/* a forked child or fd receiver */
} w;

__attribute__((format(printf, 1, 2)))
static void unexpected(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# UNEXPECTED seed=%llu op=%llu%s: %s\n", (unsigned long long)w.seed,
	       (unsigned long long)w.op, w.is_child ? " (child)" : "", msg);
	fflush(stdout);
	atomic_fetch_add(&sh->unexpected, 1);
}

__attribute__((format(printf, 1, 2)))
static void trace_op(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	printf("# [%llu/%llu] ", (unsigned long long)w.seed, (unsigned long long)w.op);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

/* Is @err one of the -errno values in the zero-terminated list? */
static int err_in(int err, const int *allowed)
{
	for (; *allowed; allowed++)
		if (err == -*allowed)
			return 1;
	return 0;
}

static void expect(int err, const int *allowed, int ok_allowed, const char *what)
{
	if (!err && ok_allowed)
		return;
	if (err && err_in(err, allowed))
		return;
	unexpected("%s: %s", what, err ? strerror(-err) : "succeeded");
}

/* Errno lists for expect(): as an argument, or one of the named ones. */
#define ERRS(...) ((const int[]){ __VA_ARGS__, 0 })
static const int e_inval[] = { EINVAL, 0 };
static const int e_nomem[] = { ENOMEM, 0 };
static const int e_fault[] = { EFAULT, 0 };
static const int e_2big[] = { E2BIG, 0 };
static const int e_nxio[] = { ENXIO, 0 };
static const int e_perm[] = { EPERM, 0 };
static const int e_alloc[] = { ENOMEM, EDQUOT, ENOSPC, EINTR, 0 };
static const int e_alloc_ro[] = { EFAULT, ENOMEM, EDQUOT, ENOSPC, 0 };

/* --- faults while touching memory ------------------------------------------ */

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touching;

static void on_fault(int sig)
{
	if (touching)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read (and with @write, write) one byte; 0, or the signal it raised. */
static int touch(volatile unsigned char *p, int write, unsigned char *val)
{
	int sig;

	touching = 1;
	sig = sigsetjmp(touch_jmp, 1);
	if (!sig) {
		*val = *p;
		if (write)
			*p = *val ^ 0x5a;
	}
	touching = 0;
	return sig;
}

/* --- descriptors and regions ----------------------------------------------- */

static int fd_pick(void)
{
	return w.nr_fds ? (int)below(w.nr_fds) : -1;
}

static int open_dev(void)
{
	int fd;

	if (w.nr_fds == MAX_FDS)
		return -1;
	fd = open(UNMAPPED_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		unexpected("open %s: %s", UNMAPPED_DEVICE, strerror(errno));
		return -1;
	}
	w.fds[w.nr_fds].fd = fd;
	w.fds[w.nr_fds].file = w.next_file++;
	return w.nr_fds++;
}

static int file_has_fd(int file)
{
	int i;

	for (i = 0; i < w.nr_fds; i++)
		if (w.fds[i].file == file)
			return 1;
	return 0;
}

static int fd_of_file(int file)
{
	int i;

	for (i = 0; i < w.nr_fds; i++)
		if (w.fds[i].file == file)
			return w.fds[i].fd;
	return -1;
}

/* The remembered write at @off of map @m's region, or -1. */
static int written_at(const struct mapping *m, size_t off)
{
	int i;

	for (i = 0; i < w.nr_wrote; i++)
		if (w.wrote[i].file == m->file && w.wrote[i].id == m->id &&
		    w.wrote[i].off == off)
			return i;
	return -1;
}

/* A remembered write that map @m still maps, or -1. */
static int written_in(const struct mapping *m)
{
	int i, start = (int)below(NR_WRITTEN);

	for (i = 0; i < w.nr_wrote; i++) {
		const struct written *x = &w.wrote[(start + i) % w.nr_wrote];

		if (x->file == m->file && x->id == m->id && x->off / PAGE < m->pages &&
		    m->prot[x->off / PAGE])
			return (start + i) % w.nr_wrote;
	}
	return -1;
}

static void remember_write(const struct mapping *m, size_t off, unsigned char val)
{
	int i = written_at(m, off);

	if (i < 0) {
		i = w.next_wrote;
		w.next_wrote = (w.next_wrote + 1) % NR_WRITTEN;
		if (w.nr_wrote < NR_WRITTEN)
			w.nr_wrote++;
	}
	w.wrote[i] = (struct written){ .file = m->file, .id = m->id, .off = off, .val = val };
}

/* A new region of @file with @id: nothing remembered may be about it. */
static void forget_writes(int file, uint64_t id)
{
	int i;

	for (i = 0; i < w.nr_wrote; i++)
		if (w.wrote[i].file == file && w.wrote[i].id == id)
			w.wrote[i].id = 0;	/* no region has id 0 */
}

static void region_forget(int i)
{
	w.live_pages -= w.regions[i].length / PAGE;
	w.regions[i] = w.regions[--w.nr_regions];
}

/* Close fds slot @i; with it the last descriptor of a file, its regions. */
static void fd_close(int i)
{
	int file = w.fds[i].file, r;

	close(w.fds[i].fd);
	w.fds[i] = w.fds[--w.nr_fds];
	if (file_has_fd(file))
		return;
	for (r = w.nr_regions - 1; r >= 0; r--)
		if (w.regions[r].file == file)
			region_forget(r);
}

/* Pages for a valid region: mostly small, sometimes a few MiB. */
static uint64_t region_pages(void)
{
	switch (below(10)) {
	case 0:
		return 512 + below(1536);
	case 1:
		return 1 + below(4096);
	default:
		return 1 + below(64);
	}
}

static int do_alloc(int fdi, struct unmapped_alloc *a)
{
	return um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_ALLOC, a);
}

static void op_alloc(void)
{
	struct unmapped_alloc a = { .node = -1 };
	int fdi = fd_pick(), err;

	if (fdi < 0 || w.nr_regions == MAX_REGIONS || w.live_pages > BUDGET_PAGES)
		return;
	if (chance(30)) {
		a.flags = UNMAPPED_ALLOC_BLOCK;
		a.order = (uint32_t)below(11);
	} else {
		a.length = region_pages() * PAGE;
	}
	if (chance(20))
		a.flags |= UNMAPPED_ALLOC_THISNODE;
	if (chance(30))
		a.node = (int32_t)below(w.nr_nodes);
	err = do_alloc(fdi, &a);
	trace_op("ALLOC flags %#x length %llu order %u node %d: %d -> id %llu",
		 a.flags, (unsigned long long)a.length, a.order, a.node, err,
		 (unsigned long long)a.id);
	expect(err, ERRS(ENOMEM, EDQUOT, ENOSPC, EINTR), 1, "valid ALLOC");
	if (err)
		return;
	if (!a.id || a.offset % PAGE || !a.length || a.length % PAGE) {
		unexpected("ALLOC answered id %llu offset %#llx length %llu",
			   (unsigned long long)a.id, (unsigned long long)a.offset,
			   (unsigned long long)a.length);
		return;
	}
	w.regions[w.nr_regions++] = (struct region){
		.file = w.fds[fdi].file, .id = a.id, .offset = a.offset,
		.length = a.length, .fresh = 1,
	};
	forget_writes(w.fds[fdi].file, a.id);
	w.live_pages += a.length / PAGE;
}

/* A read-only page: arguments the kernel can read but not answer into. */
static void *ro_page;

static void op_alloc_bad(void)
{
	struct {
		struct unmapped_alloc a;
		uint64_t tail;
	} big = { .a = { .node = -1, .length = PAGE } };
	struct unmapped_alloc *a = &big.a;
	unsigned long cmd = UNMAPPED_IOC_ALLOC;
	int fdi = fd_pick(), err, want_ok = 0;
	const int *allowed = e_inval;
	const char *what;
	void *arg = a;

	if (fdi < 0)
		return;
	a->size = sizeof(*a);
	switch (below(16)) {
	case 0:
		what = "unknown flag";
		a->flags = 1u << (2 + below(30));
		break;
	case 1:
		what = "unaligned length";
		a->length = 1 + below(1 << 20);
		if (!(a->length % PAGE))
			a->length++;
		break;
	case 2:
		what = "length 0";
		a->length = 0;
		break;
	case 3:
		what = "length above 1 TiB";
		a->length = (1ULL << 40) + PAGE * (1 + below(1 << 20));
		break;
	case 4:
		what = "length above RAM";
		a->length = 1ULL << 39;
		allowed = e_nomem;
		break;
	case 5:
		what = "order without BLOCK";
		a->order = 1 + (uint32_t)below(20);
		break;
	case 6:
		what = "BLOCK with a length";
		a->flags = UNMAPPED_ALLOC_BLOCK;
		break;
	case 7:
		what = "BLOCK order too large";
		a->flags = UNMAPPED_ALLOC_BLOCK;
		a->length = 0;
		a->order = 11 + (uint32_t)below(1000);
		break;
	case 8:
		what = "bad node";
		a->node = chance(50) ? w.nr_nodes + (int32_t)below(1000) :
				       -2 - (int32_t)below(1000);
		break;
	case 9:
		what = "size field not the command's";
		a->size = (uint32_t)rnd();
		if (a->size == sizeof(*a))
			a->size++;
		err = um_raw_ioctl(w.fds[fdi].fd, cmd, a);
		expect(err, allowed, 0, what);
		return;
	case 10:
		what = "newer struct, zero tail";
		cmd = _IOWR(UNMAPPED_IOC_MAGIC, 0x01, big);
		a->size = sizeof(big);
		want_ok = 1;
		allowed = e_alloc;
		break;
	case 11:
		what = "newer struct, non-zero tail";
		cmd = _IOWR(UNMAPPED_IOC_MAGIC, 0x01, big);
		a->size = sizeof(big);
		big.tail = rnd() | 1;
		allowed = e_2big;
		break;
	case 12:
		what = "older struct than version 0";
		cmd = _IOWR(UNMAPPED_IOC_MAGIC, 0x01, struct unmapped_free);
		a->size = sizeof(struct unmapped_free);
		break;
	case 13:
		what = "NULL argument";
		arg = NULL;
		allowed = e_fault;
		break;
	case 14:
		what = "argument the kernel cannot write back";
		memcpy(ro_page, a, sizeof(*a));
		mprotect(ro_page, PAGE, PROT_READ);
		arg = ro_page;
		allowed = e_alloc_ro;
		break;
	default:
		what = "unmapped argument address";
		arg = (void *)(uintptr_t)(0x1000 * (1 + below(15)));
		allowed = e_fault;
		break;
	}
	if (arg == a && cmd == UNMAPPED_IOC_ALLOC)
		a->size = sizeof(*a);
	err = um_raw_ioctl(w.fds[fdi].fd, cmd, arg);
	if (arg == ro_page)
		mprotect(ro_page, PAGE, PROT_READ | PROT_WRITE);
	trace_op("ALLOC bad (%s): %d", what, err);
	expect(err, allowed, want_ok, what);
	/* A newer struct with a zero tail is a valid request: keep it. */
	if (!err && w.nr_regions < MAX_REGIONS) {
		w.regions[w.nr_regions++] = (struct region){
			.file = w.fds[fdi].file, .id = a->id,
			.offset = a->offset, .length = a->length, .fresh = 1,
		};
		w.live_pages += a->length / PAGE;
	} else if (!err) {
		struct unmapped_free f = { .id = a->id };

		um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_FREE, &f);
	}
}

static int region_pick(void)
{
	return w.nr_regions ? (int)below(w.nr_regions) : -1;
}

/* An id no region of ours has (another process's, or nobody's). */
static uint64_t foreign_id(void)
{
	uint64_t id;
	int i, again;

	do {
		again = 0;
		id = 1 + below(1 << 22);
		for (i = 0; i < w.nr_regions; i++)
			again |= w.regions[i].id == id;
	} while (again);
	return id;
}

static void op_free(void)
{
	struct unmapped_free f = { 0 };
	int r = region_pick(), fdi, err;

	if (r >= 0 && chance(80)) {
		f.id = w.regions[r].id;
		err = um_ioctl(fd_of_file(w.regions[r].file), UNMAPPED_IOC_FREE, &f);
		trace_op("FREE id %llu: %d", (unsigned long long)f.id, err);
		expect(err, ERRS(0), 1, "FREE of a live region");
		region_forget(r);
		return;
	}
	fdi = fd_pick();
	if (fdi < 0)
		return;
	if (chance(30)) {
		f.flags = 1u << below(32);
		f.id = r >= 0 ? w.regions[r].id : 1;
		err = um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_FREE, &f);
		/* A flagged FREE must change nothing, even for a live id. */
		expect(err, ERRS(EINVAL), 0, "FREE with flags");
		return;
	}
	f.id = chance(10) ? 0 : chance(10) ? rnd() : foreign_id();
	err = um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_FREE, &f);
	trace_op("FREE foreign id %llu: %d", (unsigned long long)f.id, err);
	expect(err, ERRS(ENOENT), 0, "FREE of an id that is not ours");
}

static void op_region(void)
{
	struct unmapped_region rg;
	int r = region_pick(), fdi = fd_pick(), err;

	if (fdi < 0)
		return;
	if (r >= 0 && chance(70)) {
		err = um_region(fd_of_file(w.regions[r].file), w.regions[r].id, &rg);
		expect(err, ERRS(0), 1, "REGION of a live region");
		if (!err && (rg.length != w.regions[r].length ||
			     rg.offset != w.regions[r].offset || !rg.nr_blocks ||
			     rg.node < 0 || rg.node >= w.nr_nodes ||
			     rg.max_block_order > 10))
			unexpected("REGION id %llu: length %llu offset %#llx blocks %u node %d order %u",
				   (unsigned long long)rg.id, (unsigned long long)rg.length,
				   (unsigned long long)rg.offset, rg.nr_blocks, rg.node,
				   rg.max_block_order);
		return;
	}
	if (chance(30)) {
		memset(&rg, 0, sizeof(rg));
		rg.flags = 1u << below(32);
		rg.id = r >= 0 ? w.regions[r].id : 1;
		err = um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_REGION, &rg);
		expect(err, ERRS(EINVAL), 0, "REGION with flags");
		return;
	}
	err = um_region(w.fds[fdi].fd, foreign_id(), &rg);
	expect(err, ERRS(ENOENT), 0, "REGION of an id that is not ours");
}

static void op_query(void)
{
	struct unmapped_query q;
	int fdi = fd_pick(), err;

	if (fdi < 0)
		return;
	err = um_query(w.fds[fdi].fd, &q);
	expect(err, ERRS(0), 1, "QUERY");
	if (chance(20)) {
		memset(&q, 0, sizeof(q));
		q.flags = 1u << below(32);
		err = um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_QUERY, &q);
		expect(err, ERRS(EINVAL), 0, "QUERY with flags");
	}
}

static void op_info(void)
{
	struct unmapped_info info = { 0 };
	int fdi = fd_pick(), err;

	if (fdi < 0)
		return;
	err = um_ioctl(w.fds[fdi].fd, UNMAPPED_IOC_INFO, &info);
	expect(err, ERRS(0), 1, "INFO");
	if (!err && (info.abi_version != UNMAPPED_ABI_VERSION ||
		     info.page_size != PAGE || info.max_order != 10))
		unexpected("INFO: abi %u page %u max_order %u", info.abi_version,
			   info.page_size, info.max_order);
}

/* Any command number, any bytes: must answer, never crash. */
static void op_random_ioctl(void)
{
	unsigned char buf[256];
	unsigned int nr = (unsigned int)below(8), dir = (unsigned int)below(4);
	unsigned int size = (unsigned int)below(sizeof(buf));
	unsigned long cmd;
	size_t i;
	int fdi = fd_pick(), err;

	if (fdi < 0)
		return;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = chance(70) ? 0 : (unsigned char)rnd();
	if (chance(50))
		*(uint32_t *)buf = size;
	cmd = chance(10) ? (unsigned long)(uint32_t)rnd() :
		_IOC(dir, chance(90) ? UNMAPPED_IOC_MAGIC : (unsigned int)below(256),
		     nr, size);
	err = um_raw_ioctl(w.fds[fdi].fd, cmd, chance(5) ? NULL : buf);
	trace_op("ioctl %#lx: %d", cmd, err);
	/* A valid SECRET may come out of this too: its descriptor is ours. */
	if (!err && _IOC_NR(cmd) == _IOC_NR(UNMAPPED_IOC_SECRET) &&
	    _IOC_TYPE(cmd) == UNMAPPED_IOC_MAGIC)
		close(((struct unmapped_secret *)buf)->fd);
	/* A valid ALLOC may come out of this: its region stays with the file. */
	if (!err && _IOC_NR(cmd) == 1 && _IOC_TYPE(cmd) == UNMAPPED_IOC_MAGIC &&
	    w.nr_regions < MAX_REGIONS) {
		struct unmapped_alloc *a = (struct unmapped_alloc *)buf;

		w.regions[w.nr_regions++] = (struct region){
			.file = w.fds[fdi].file, .id = a->id, .offset = a->offset,
			.length = a->length, .fresh = 1,
		};
		w.live_pages += a->length / PAGE;
	}
}

/* --- secret files ------------------------------------------------------------ */

#define SECRET_PAGES	8	/* offsets a secret file's mappings reach */

/*
 * A secret file (UNMAPPED_IOC_SECRET) with random flags, size, mappings,
 * touches and a child, checked against memfd_secret's semantics, and gone
 * again at the end of the op (in a random order of close and munmap): the
 * final check finds any page it kept. A touch within the size may SIGBUS
 * only for RLIMIT_MEMLOCK, which the worker's regions share; a page that
 * exists never faults again, in a child neither.
 */
static void op_secret(void)
{
	struct unmapped_secret s = { .size = sizeof(s) };
	unsigned char vals[SECRET_PAGES] = { 0 }, v, have[SECRET_PAGES] = { 0 };
	unsigned char *maps[3] = { NULL };
	size_t lens[3] = { 0 }, offs[3] = { 0 };
	int fdi = fd_pick(), fd, bad, i, nr = 0, sig;
	struct unmapped_secret *arg;
	off_t size;
	char buf[8];

	if (fdi < 0)
		return;
	s.flags = chance(80) ? (chance(50) ? O_CLOEXEC : 0) : (uint32_t)rnd();
	s.reserved = chance(90) ? 0 : (uint32_t)rnd();
	bad = (s.flags & ~(uint32_t)O_CLOEXEC) || s.reserved;
	arg = chance(3) ? NULL : &s;
	fd = ioctl(w.fds[fdi].fd, UNMAPPED_IOC_SECRET, arg);
	trace_op("secret flags %#x reserved %#x: %d", s.flags, s.reserved, fd < 0 ? -errno : fd);
	if (fd < 0) {
		expect(-errno, !arg ? e_fault : bad ? e_inval : ERRS(ENOMEM, EMFILE), 0, "SECRET");
		return;
	}
	if (!arg)
		unexpected("SECRET with a NULL argument worked");
	if (bad || s.fd != fd)
		unexpected("SECRET flags %#x reserved %#x: fd %d, reply %d", s.flags,
			   s.reserved, fd, s.fd);
	if (!!(fcntl(fd, F_GETFD) & FD_CLOEXEC) != !!(s.flags & O_CLOEXEC))
		unexpected("SECRET flags %#x: FD_CLOEXEC is %d", s.flags, fcntl(fd, F_GETFD));

	switch (below(4)) {
	case 0:
		size = -(off_t)below(1 << 20) - 1;
		break;
	case 1:
		size = (off_t)1 << (40 + below(22));
		break;
	default:
		size = (off_t)(below(SECRET_PAGES * PAGE) + 1);
		break;
	}
	if (ftruncate(fd, size))
		expect(-errno, size < 0 ? e_inval : ERRS(ENOMEM), 0, "ftruncate of a secret file");
	else if (size < 0)
		unexpected("ftruncate(%lld) of a secret file worked", (long long)size);
	if (size < 0)
		size = 0;
	if (size && ftruncate(fd, (off_t)below(PAGE) + 1) == 0)
		unexpected("a second ftruncate of a secret file worked");
	if (read(fd, buf, sizeof(buf)) >= 0 || pwrite(fd, buf, sizeof(buf), 0) >= 0)
		unexpected("file IO on a secret file worked");

	for (i = 0; i < 3; i++) {
		int prot = chance(85) ? PROT_READ | PROT_WRITE : (int)below(8);
		int flags = chance(90) ? MAP_SHARED : MAP_PRIVATE;
		size_t pages = 1 + below(SECRET_PAGES / 2);
		size_t off = below(SECRET_PAGES / 2) * PAGE + (chance(5) ? below(PAGE) : 0);
		void *p = mmap(NULL, pages * PAGE, prot, flags, fd, (off_t)off);
		/* In the order the kernel checks: offset, noexec, then ours. */
		int want = off % PAGE ? EINVAL : (prot & PROT_EXEC) ? EPERM :
			   flags == MAP_PRIVATE ? EINVAL : 0;

		if (p == MAP_FAILED) {
			if (!want || errno != want)
				unexpected("mmap of a secret file (prot %d, flags %#x, offset %zu): %s",
					   prot, flags, off, strerror(errno));
			continue;
		}
		if (want)
			unexpected("mmap of a secret file (prot %d, flags %#x, offset %zu) worked",
				   prot, flags, off);
		if (prot != (PROT_READ | PROT_WRITE)) {
			munmap(p, pages * PAGE);
			continue;
		}
		maps[nr] = p;
		lens[nr] = pages * PAGE;
		offs[nr++] = off;
	}

	/* Touch every page of every mapping: past the size SIGBUS, else as written. */
	for (i = 0; i < nr; i++) {
		size_t pg;

		for (pg = 0; pg < lens[i] / PAGE; pg++) {
			size_t fpg = offs[i] / PAGE + pg;
			int past = (off_t)(fpg * PAGE) >= size;

			sig = touch(maps[i] + pg * PAGE, 1, &v);
			if (past && sig != SIGBUS)
				unexpected("touch of secret page %zu past size %lld: signal %d",
					   fpg, (long long)size, sig);
			else if (!past && sig && sig != SIGBUS)
				unexpected("touch of secret page %zu: signal %d", fpg, sig);
			else if (!past && !sig && v != vals[fpg])
				unexpected("secret page %zu holds %#x, %#x was written", fpg, v,
					   vals[fpg]);
			else if (!past && !sig)
				vals[fpg] = v ^ 0x5a, have[fpg] = 1;
		}
	}

	/*
	 * A forked child shares the mappings, as memfd_secret's: it finds the
	 * first page as written, without a fault of its own. Only once that
	 * page exists: where the parent's touch met RLIMIT_MEMLOCK (SIGBUS),
	 * the child's meets it too.
	 */
	if (nr && size >= (off_t)PAGE && offs[0] == 0 && have[0] && chance(20)) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			w.is_child = 1;
			if (!touch(maps[0], 1, &v))
				_exit(v == vals[0] ? 0 : 3);
			_exit(4);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				vals[0] ^= 0x5a;
			else
				unexpected("child of a secret mapping: status %#x", st);
		}
		if (!touch(maps[0], 0, &v) && v != vals[0])
			unexpected("secret page 0 after the child: %#x, want %#x", v, vals[0]);
	}

	if (chance(50))
		close(fd);
	for (i = 0; i < nr; i++)
		munmap(maps[i], lens[i]);
	if (fcntl(fd, F_GETFD) >= 0)
		close(fd);
}

/* --- mappings --------------------------------------------------------------- */

static int map_add(unsigned char *addr, size_t pages, const struct region *rg,
		   int prot)
{
	struct mapping *m;

	if (w.nr_maps == MAX_MAPS) {
		munmap(addr, pages * PAGE);
		return -1;
	}
	m = &w.maps[w.nr_maps];
	m->prot = malloc(pages);
	if (!m->prot) {
		munmap(addr, pages * PAGE);
		return -1;
	}
	memset(m->prot, prot + 1, pages);
	m->addr = addr;
	m->pages = pages;
	m->id = rg->id;
	m->file = rg->file;
	m->pristine = 1;
	m->unreliable = 0;
	return w.nr_maps++;
}

/*
 * munmap() what of map @i is still ours, run by run: the holes may hold
 * other mappings by now (mmap reuses freed address space).
 */
static void map_unmap_all(int i)
{
	struct mapping *m = &w.maps[i];
	size_t first = 0, n;

	while (first < m->pages) {
		if (!m->prot[first]) {
			first++;
			continue;
		}
		for (n = 1; first + n < m->pages && m->prot[first + n]; n++)
			;
		if (munmap(m->addr + first * PAGE, n * PAGE))
			unexpected("munmap of %zu pages: %s", n, strerror(errno));
		memset(m->prot + first, 0, n);
		first += n;
	}
}

static void map_forget(int i)
{
	free(w.maps[i].prot);
	w.maps[i] = w.maps[--w.nr_maps];
}

static int map_empty(const struct mapping *m)
{
	size_t i;

	for (i = 0; i < m->pages; i++)
		if (m->prot[i])
			return 0;
	return 1;
}

/* A fresh region's first mapping must read zero: nobody's old data. */
static void check_zero(const struct mapping *m)
{
	size_t samples[4] = { 0, m->pages - 1, below(m->pages), below(m->pages) };
	unsigned char v;
	int i, sig;

	for (i = 0; i < 4; i++) {
		sig = touch(m->addr + samples[i] * PAGE + below(PAGE), 0, &v);
		if (sig)
			unexpected("fresh mapping: reading page %zu raised signal %d",
				   samples[i], sig);
		else if (v)
			unexpected("fresh region id %llu: page %zu not zeroed (%#x)",
				   (unsigned long long)m->id, samples[i], v);
		atomic_fetch_add(&sh->zero_checked_pages, 1);
	}
}

static void op_mmap(void)
{
	int r = region_pick(), prot, i, fd;
	struct region *rg;
	unsigned char *p;

	if (r < 0)
		return;
	rg = &w.regions[r];
	fd = fd_of_file(rg->file);
	prot = chance(80) ? PROT_READ | PROT_WRITE : (chance(50) ? PROT_READ : PROT_NONE);
	p = mmap(NULL, rg->length, prot, MAP_SHARED, fd, (off_t)rg->offset);
	trace_op("mmap id %llu length %llu prot %d: %p", (unsigned long long)rg->id,
		 (unsigned long long)rg->length, prot, (void *)p);
	if (p == MAP_FAILED) {
		expect(-errno, ERRS(ENOMEM), 0, "mmap of a live region");
		return;
	}
	i = map_add(p, rg->length / PAGE, rg, prot);
	if (i >= 0 && rg->fresh && (prot & PROT_READ))
		check_zero(&w.maps[i]);
	rg->fresh = 0;
}

/* Aim a bad mmap at region @r's own offset and length; false if none. */
static int aim_at_region(int r, size_t *len, off_t *off, int *fdi)
{
	if (r < 0)
		return 0;
	*len = w.regions[r].length;
	*off = (off_t)w.regions[r].offset;
	*fdi = -1;
	return 1;
}

static void op_mmap_bad(void)
{
	int r = region_pick(), fdi = fd_pick(), err;
	const int *allowed = e_inval;
	size_t len = PAGE * (1 + below(16));
	off_t off;
	int flags = MAP_SHARED, prot = PROT_READ | PROT_WRITE;
	const char *what;
	void *p;

	if (fdi < 0)
		return;
	switch (below(7)) {
	case 0:
		what = "offset of no region of ours";
		allowed = e_nxio;
		off = (off_t)(foreign_id() << 40);
		break;
	case 1:
		what = "offset inside a region";
		allowed = e_nxio;
		if (r < 0)
			return;
		off = (off_t)(w.regions[r].offset + PAGE * (1 + below(16)));
		fdi = -1;
		break;
	case 2:
		what = "length not the region's";
		if (!aim_at_region(r, &len, &off, &fdi))
			return;
		len += PAGE * (1 + below(4));
		if (chance(50) && w.regions[r].length > PAGE)
			len = w.regions[r].length - PAGE;
		break;
	case 3:
		what = "MAP_PRIVATE";
		if (!aim_at_region(r, &len, &off, &fdi))
			return;
		flags = MAP_PRIVATE;
		break;
	case 4:
		what = "PROT_EXEC";
		if (!aim_at_region(r, &len, &off, &fdi))
			return;
		prot |= PROT_EXEC;
		allowed = e_perm;
		break;
	case 5:
		what = "unaligned offset";
		allowed = e_inval;
		off = (off_t)(1 + below(PAGE - 1));
		break;
	default:
		what = "length 0";
		len = 0;
		off = 0;
		break;
	}
	p = mmap(NULL, len, prot, flags,
		 fdi >= 0 ? w.fds[fdi].fd : fd_of_file(w.regions[r].file), off);
	err = p == MAP_FAILED ? -errno : 0;
	trace_op("mmap bad (%s): %d", what, err);
	expect(err, allowed, 0, what);
	if (!err)
		munmap(p, len);
}

static int map_pick(void)
{
	return w.nr_maps ? (int)below(w.nr_maps) : -1;
}

/* A random run of mapped pages of map @i: [*first, *first + *n). */
static int mapped_run(int i, size_t *first, size_t *n)
{
	const struct mapping *m = &w.maps[i];
	size_t start = below(m->pages), end;

	while (start < m->pages && !m->prot[start])
		start++;
	if (start == m->pages)
		return 0;
	end = start;
	while (end < m->pages && m->prot[end] && end - start < 1 + below(m->pages))
		end++;
	*first = start;
	*n = end - start;
	return 1;
}

static void op_munmap(void)
{
	int i = map_pick();
	size_t first, n;

	if (i < 0)
		return;
	if (chance(40)) {
		trace_op("munmap id %llu: all of it", (unsigned long long)w.maps[i].id);
		map_unmap_all(i);
		map_forget(i);
		return;
	}
	if (!mapped_run(i, &first, &n)) {
		map_forget(i);
		return;
	}
	if (munmap(w.maps[i].addr + first * PAGE, n * PAGE))
		unexpected("munmap of %zu pages: %s", n, strerror(errno));
	trace_op("munmap id %llu pages %zu+%zu", (unsigned long long)w.maps[i].id,
		 first, n);
	memset(w.maps[i].prot + first, 0, n);
	if (n != w.maps[i].pages)
		w.maps[i].pristine = 0;
	if (map_empty(&w.maps[i]))
		map_forget(i);
}

static void op_mprotect(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_WRITE };
	int i = map_pick(), prot = prots[below(5)], err;
	size_t first, n;

	if (i < 0 || !mapped_run(i, &first, &n))
		return;
	err = mprotect(w.maps[i].addr + first * PAGE, n * PAGE, prot) ? -errno : 0;
	trace_op("mprotect pages %zu+%zu prot %d: %d", first, n, prot, err);
	if (prot & PROT_EXEC) {
		/* VM_MAYEXEC is cleared: never executable. */
		expect(err, ERRS(EACCES), 0, "mprotect(PROT_EXEC)");
		return;
	}
	/* The run may span VMAs with other protections; all are ours. */
	expect(err, ERRS(0), 1, "mprotect");
	if (!err) {
		memset(w.maps[i].prot + first, prot + 1, n);
		w.maps[i].pristine = 0;
	}
}

static void op_mremap(void)
{
	int i = map_pick(), err;
	struct mapping *m;
	size_t old, newp;
	void *p, *to;

	if (i < 0)
		return;
	m = &w.maps[i];
	if (!m->pristine) {
		/*
		 * Split into VMAs with holes and other protections: resize a
		 * run of it that may span several VMAs, take what came out
		 * and forget the whole mapping.
		 */
		size_t first, n, nlen;

		if (!mapped_run(i, &first, &n)) {
			map_forget(i);
			return;
		}
		nlen = PAGE * (1 + below(n + 4));
		p = mremap(m->addr + first * PAGE, n * PAGE, nlen, MREMAP_MAYMOVE);
		err = p == MAP_FAILED ? -errno : 0;
		trace_op("mremap of a split mapping id %llu pages %zu+%zu to %zu: %d",
			 (unsigned long long)m->id, first, n, nlen / PAGE, err);
		expect(err, ERRS(EFAULT), 1, "mremap of a split mapping");
		if (!err) {
			munmap(p, nlen);
			/* Moved or shrunk: the old run is not ours any more. */
			memset(m->prot + first, 0, n);
		}
		map_unmap_all(i);
		map_forget(i);
		return;
	}
	old = m->pages;
	switch (below(5)) {
	case 0:		/* shrink in place */
		if (old < 2)
			return;
		newp = 1 + below(old - 1);
		p = mremap(m->addr, old * PAGE, newp * PAGE, 0);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(0), 1, "mremap shrinking");
		if (!err) {
			memset(m->prot + newp, 0, old - newp);
			m->pages = newp;
		}
		break;
	case 1:		/* grow: never (VM_DONTEXPAND) */
		p = mremap(m->addr, old * PAGE, (old + 1 + below(16)) * PAGE,
			   MREMAP_MAYMOVE);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(EFAULT), 0, "mremap growing");
		if (!err)
			munmap(p, (old + 16) * PAGE);
		break;
	case 2:		/* move elsewhere, same size */
		to = mmap(NULL, old * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (to == MAP_FAILED)
			return;
		p = mremap(m->addr, old * PAGE, old * PAGE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, to);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(0), 1, "mremap moving");
		if (err)
			munmap(to, old * PAGE);
		else
			m->addr = p;
		break;
	case 3:		/* duplicate (old length 0): would grow it */
		p = mremap(m->addr, 0, old * PAGE, MREMAP_MAYMOVE);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(EFAULT), 0, "mremap duplicating");
		if (!err)
			munmap(p, old * PAGE);
		break;
	default:	/* DONTUNMAP: private anonymous only */
		p = mremap(m->addr, old * PAGE, old * PAGE,
			   MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(EINVAL), 0, "mremap DONTUNMAP");
		if (!err)
			munmap(p, old * PAGE);
		break;
	}
	trace_op("mremap id %llu: %d", (unsigned long long)m->id, err);
}

static void op_madvise(void)
{
	static const int advice[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
		MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE,
		MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE,
	};
	int i = map_pick(), adv = advice[below(sizeof(advice) / sizeof(advice[0]))];
	size_t first, n;
	int err;

	if (i < 0 || !mapped_run(i, &first, &n))
		return;
	err = madvise(w.maps[i].addr + first * PAGE, n * PAGE, adv) ? -errno : 0;
	trace_op("madvise %d pages %zu+%zu: %d", adv, first, n, err);
	/* New flags on part of a VMA split it. */
	if (!err)
		w.maps[i].pristine = 0;
	/* Whatever succeeds may have zapped PTEs: no .fault refills them. */
	if (!err && (adv == MADV_DONTNEED || adv == MADV_FREE ||
		     adv == MADV_REMOVE || adv == MADV_PAGEOUT || adv == MADV_COLD))
		w.maps[i].unreliable = 1;
	/*
	 * The ABI: cannot be madvised away, populated through GUP, or
	 * re-enabled for fork (VM_IO | VM_PFNMAP | VM_DONTCOPY).
	 */
	if (!err && (adv == MADV_DONTNEED || adv == MADV_FREE ||
		     adv == MADV_REMOVE || adv == MADV_COLD ||
		     adv == MADV_PAGEOUT || adv == MADV_DOFORK ||
		     adv == MADV_POPULATE_READ || adv == MADV_POPULATE_WRITE))
		unexpected("madvise(%d) of a /dev/unmapped mapping succeeded", adv);
}

/*
 * Read a byte of a mapping and often write it (its old value ^ 0x5a); half
 * the time one written before, which must read back as written.
 */
static void op_touch(void)
{
	int i = map_pick(), sig, want_fault, write, k;
	struct mapping *m;
	unsigned char v;
	size_t pg, off;

	if (i < 0)
		return;
	m = &w.maps[i];
	off = below(m->pages) * PAGE + below(PAGE);
	k = written_in(m);
	if (k >= 0 && chance(50))
		off = w.wrote[k].off;
	pg = off / PAGE;
	if (!m->prot[pg])
		return;
	/* x86: any access right but none lets us read. */
	want_fault = m->prot[pg] - 1 == PROT_NONE;
	write = ((m->prot[pg] - 1) & PROT_WRITE) && chance(70);
	sig = touch(m->addr + off, write, &v);
	if (m->unreliable)
		return;
	if (sig && !want_fault)
		unexpected("touching page %zu of id %llu (prot %d) raised signal %d",
			   pg, (unsigned long long)m->id, m->prot[pg] - 1, sig);
	else if (!sig && want_fault)
		unexpected("reading page %zu of id %llu with PROT_NONE worked",
			   pg, (unsigned long long)m->id);
	if (sig)
		return;
	k = written_at(m, off);
	if (k >= 0 && v != w.wrote[k].val)
		unexpected("read back id %llu offset %zu: %#x, but %#x was written there",
			   (unsigned long long)m->id, off, v, w.wrote[k].val);
	else if (k >= 0)
		atomic_fetch_add(&sh->read_back, 1);
	if (write)
		remember_write(m, off, v ^ 0x5a);
}

/* --- other processes -------------------------------------------------------- */

static void reap(int block);
static void worker_ops(uint64_t nr_ops);

/*
 * In a child or fd receiver: regions of the parent (ids and offsets) must
 * not exist for us on any file we hold.
 */
static void poke_foreign(const uint64_t *ids, const uint64_t *offs,
			 const uint64_t *lens, int n, int fd)
{
	struct unmapped_region rg;
	struct unmapped_free f;
	void *p;
	int i, err;

	for (i = 0; i < n; i++) {
		err = um_region(fd, ids[i], &rg);
		expect(err, ERRS(ENOENT), 0, "REGION of the parent's region");
		p = mmap(NULL, lens[i], PROT_READ, MAP_SHARED, fd, (off_t)offs[i]);
		err = p == MAP_FAILED ? -errno : 0;
		expect(err, ERRS(ENXIO), 0, "mmap of another process's region");
		if (!err)
			munmap(p, lens[i]);
		memset(&f, 0, sizeof(f));
		f.id = ids[i];
		err = um_ioctl(fd, UNMAPPED_IOC_FREE, &f);
		expect(err, ERRS(ENOENT), 0, "FREE of another process's region");
	}
}

/* Reset the model in a new child: nothing of the parent's is ours. */
static void become_child(uint64_t seed)
{
	int i;

	for (i = 0; i < w.nr_maps; i++)
		free(w.maps[i].prot);
	w.nr_maps = 0;
	w.nr_regions = 0;
	w.nr_kids = 0;
	w.nr_wrote = 0;
	w.next_wrote = 0;
	w.live_pages = 0;
	w.is_child = 1;
	w.seed = seed;
	w.op = 0;
	rng_state = seed;
	atomic_fetch_add(&sh->children, 1);
}

static void child_end(void)
{
	/* Exit in any of the ways a process can. */
	switch (below(3)) {
	case 0:
		reap(1);
		exit(0);
	case 1:
		_exit(0);
	default:
		raise(SIGKILL);
	}
	_exit(0);
}

static void op_fork(void)
{
	uint64_t ids[8], offs[8], lens[8], seed = rnd();
	unsigned char *probe = NULL;
	int n = 0, i;
	pid_t pid;

	if (w.nr_kids == MAX_KIDS || w.is_child)
		return;
	for (i = 0; i < w.nr_regions && n < 8; i++, n++) {
		ids[n] = w.regions[i].id;
		offs[n] = w.regions[i].offset;
		lens[n] = w.regions[i].length;
	}
	/* Addresses the child must find empty: mappings are VM_DONTCOPY. */
	for (i = 0; i < w.nr_maps && !probe; i++)
		if (w.maps[i].prot[0] && ((w.maps[i].prot[0] - 1) & PROT_READ))
			probe = w.maps[i].addr;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid) {
		w.kids[w.nr_kids++].pid = pid;
		return;
	}
	become_child(seed);
	if (probe) {
		unsigned char v;

		if (!touch(probe, 0, &v))
			unexpected("a forked child can read its parent's mapping");
	}
	if (w.nr_fds) {
		int fdi = fd_pick();
		int fd = w.fds[fdi].fd;

		/* Whatever the parent holds on this file, we cannot reach. */
		for (i = 0; i < n; i++)
			if (chance(50))
				poke_foreign(&ids[i], &offs[i], &lens[i], 1, fd);
	}
	worker_ops(20 + below(200));
	child_end();
}

static void op_kill(void)
{
	int i;

	if (!w.nr_kids)
		return;
	i = (int)below(w.nr_kids);
	kill(w.kids[i].pid, SIGKILL);
	reap(0);
}

/* Collect children; a child that died of anything but SIGKILL is a bug. */
static void reap(int block)
{
	int i, status;

	for (i = w.nr_kids - 1; i >= 0; i--) {
		pid_t r = waitpid(w.kids[i].pid, &status, block ? 0 : WNOHANG);

		if (r == 0)
			continue;
		if (r > 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			unexpected("child %d died of signal %d", (int)r, WTERMSIG(status));
		if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status))
			unexpected("child %d exited with %d", (int)r, WEXITSTATUS(status));
		w.kids[i] = w.kids[--w.nr_kids];
	}
}

/*
 * What op_pass_fd() sends: one descriptor, and the ids, offsets and
 * lengths of up to 8 regions of the sender on that file (msg[0]: how many).
 */
struct fd_msg {
	uint64_t msg[3 * 8 + 1];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr mh;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = m->msg;
	m->iov.iov_len = sizeof(m->msg);
	m->mh.msg_iov = &m->iov;
	m->mh.msg_iovlen = 1;
	m->mh.msg_control = m->cbuf;
	m->mh.msg_controllen = sizeof(m->cbuf);
}

/* Receiver side of op_pass_fd(). */
static void receive_fd(int sock, uint64_t seed)
{
	struct fd_msg m;
	uint64_t *msg = m.msg;
	struct cmsghdr *c;
	int fd = -1, n, i;

	become_child(seed);
	/* Only what arrives over the socket: drop what fork() gave us. */
	for (i = w.nr_fds - 1; i >= 0; i--)
		close(w.fds[i].fd);
	w.nr_fds = 0;
	fd_msg_init(&m);
	if (recvmsg(sock, &m.mh, 0) <= 0)
		_exit(0);
	c = CMSG_FIRSTHDR(&m.mh);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	if (fd < 0) {
		unexpected("no descriptor arrived over the socket");
		_exit(0);
	}
	n = (int)msg[0];
	poke_foreign(&msg[1], &msg[1 + 8], &msg[1 + 16], n, fd);
	w.fds[0].fd = fd;
	w.fds[0].file = w.next_file++;
	w.nr_fds = 1;
	worker_ops(10 + below(100));
	child_end();
}

static void op_pass_fd(void)
{
	uint64_t seed = rnd(), *msg;
	struct fd_msg m;
	struct cmsghdr *c;
	int sv[2], fdi = fd_pick(), n = 0, i;
	pid_t pid;

	if (fdi < 0 || w.nr_kids == MAX_KIDS || w.is_child)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (!pid) {
		close(sv[0]);
		receive_fd(sv[1], seed);
	}
	close(sv[1]);
	w.kids[w.nr_kids++].pid = pid;
	fd_msg_init(&m);
	msg = m.msg;
	for (i = 0; i < w.nr_regions && n < 8; i++) {
		if (w.regions[i].file != w.fds[fdi].file)
			continue;
		msg[1 + n] = w.regions[i].id;
		msg[1 + 8 + n] = w.regions[i].offset;
		msg[1 + 16 + n] = w.regions[i].length;
		n++;
	}
	msg[0] = n;
	c = CMSG_FIRSTHDR(&m.mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &w.fds[fdi].fd, sizeof(int));
	if (sendmsg(sv[0], &m.mh, MSG_NOSIGNAL) < 0)
		unexpected("sendmsg of a descriptor: %s", strerror(errno));
	close(sv[0]);
	trace_op("passed fd with %d regions to %d", n, (int)pid);
	/* Sometimes the receiver ends up holding the only descriptor. */
	if (chance(30))
		fd_close(fdi);
}

/* --- one descriptor closed under a thread that uses it ------------------------ */

struct race {
	int fd;
	uint64_t seed;
	atomic_int stop;
};

static void *race_user(void *arg)
{
	struct race *r = arg;
	uint64_t s = r->seed;
	int i;

	for (i = 0; i < 64 && !atomic_load(&r->stop); i++) {
		struct unmapped_alloc a = {
			.length = PAGE * (1 + (s = s * 6364136223846793005ULL + 1) % 64),
			.node = -1,
		};
		struct unmapped_free f = { 0 };
		unsigned char *p;

		/* Errors are expected once the fd is closed (EBADF). */
		if (um_ioctl(r->fd, UNMAPPED_IOC_ALLOC, &a))
			continue;
		p = mmap(NULL, a.length, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
			 (off_t)a.offset);
		f.id = a.id;
		if (s & 1)
			um_ioctl(r->fd, UNMAPPED_IOC_FREE, &f);
		if (p != MAP_FAILED) {
			p[0] = 1;
			munmap(p, a.length);
		}
		if (!(s & 1))
			um_ioctl(r->fd, UNMAPPED_IOC_FREE, &f);
	}
	return NULL;
}

static void *race_closer(void *arg)
{
	struct race *r = arg;
	struct timespec ts = { 0, (long)(r->seed % 2000000) };

	nanosleep(&ts, NULL);
	close(r->fd);
	atomic_store(&r->stop, 1);
	return NULL;
}

static void op_close_race(void)
{
	struct race r = { .seed = rnd() };
	pthread_t t[3];
	int fdi;

	/* A file of its own: the race must not touch the model's fds. */
	fdi = open_dev();
	if (fdi < 0)
		return;
	r.fd = w.fds[fdi].fd;
	w.fds[fdi] = w.fds[--w.nr_fds];
	if (pthread_create(&t[0], NULL, race_user, &r)) {
		close(r.fd);
		return;
	}
	if (pthread_create(&t[1], NULL, race_closer, &r)) {
		atomic_store(&r.stop, 1);
		pthread_join(t[0], NULL);
		close(r.fd);
		return;
	}
	race_user(&r);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
}

static void op_dup(void)
{
	int fdi = fd_pick(), fd;

	if (fdi < 0 || w.nr_fds == MAX_FDS)
		return;
	fd = fcntl(w.fds[fdi].fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	w.fds[w.nr_fds].fd = fd;
	w.fds[w.nr_fds++].file = w.fds[fdi].file;
}

/* --- the worker ----------------------------------------------------------------- */

static void one_op(void)
{
	unsigned int r = (unsigned int)below(1000);
	enum op_kind k;

	w.op++;
	if (!w.nr_fds)
		k = OP_OPEN;
	else if (r < 150)
		k = OP_ALLOC;
	else if (r < 230)
		k = OP_ALLOC_BAD;
	else if (r < 330)
		k = OP_FREE;
	else if (r < 370)
		k = OP_REGION;
	else if (r < 390)
		k = OP_QUERY;
	else if (r < 400)
		k = OP_INFO;
	else if (r < 440)
		k = OP_RANDOM_IOCTL;
	else if (r < 560)
		k = OP_MMAP;
	else if (r < 600)
		k = OP_MMAP_BAD;
	else if (r < 670)
		k = OP_MUNMAP;
	else if (r < 710)
		k = OP_MPROTECT;
	else if (r < 740)
		k = OP_MREMAP;
	else if (r < 770)
		k = OP_MADVISE;
	else if (r < 860)
		k = OP_TOUCH;
	else if (r < 880)
		k = OP_SECRET;
	else if (r < 895)
		k = OP_FORK;
	else if (r < 905)
		k = OP_KILL;
	else if (r < 915)
		k = OP_PASS_FD;
	else if (r < 925)
		k = OP_CLOSE_RACE;
	else if (r < 945)
		k = OP_DUP;
	else if (r < 965)
		k = OP_CLOSE;
	else
		k = OP_OPEN;
	atomic_fetch_add(&sh->ops[k], 1);
	switch (k) {
	case OP_ALLOC: op_alloc(); break;
	case OP_ALLOC_BAD: op_alloc_bad(); break;
	case OP_FREE: op_free(); break;
	case OP_REGION: op_region(); break;
	case OP_QUERY: op_query(); break;
	case OP_INFO: op_info(); break;
	case OP_RANDOM_IOCTL: op_random_ioctl(); break;
	case OP_MMAP: op_mmap(); break;
	case OP_MMAP_BAD: op_mmap_bad(); break;
	case OP_MUNMAP: op_munmap(); break;
	case OP_MPROTECT: op_mprotect(); break;
	case OP_MREMAP: op_mremap(); break;
	case OP_MADVISE: op_madvise(); break;
	case OP_TOUCH: op_touch(); break;
	case OP_FORK: op_fork(); break;
	case OP_KILL: op_kill(); break;
	case OP_PASS_FD: op_pass_fd(); break;
	case OP_CLOSE_RACE: op_close_race(); break;
	case OP_DUP: op_dup(); break;
	case OP_CLOSE:
		if (w.nr_fds > 1 || chance(20))
			fd_close(fd_pick());
		break;
	case OP_OPEN: open_dev(); break;
	case OP_SECRET: op_secret(); break;
	case OP_NR: break;
	}
	if (!(w.op % 16))
		reap(0);
}

static void worker_ops(uint64_t nr_ops)
{
	while (nr_ops--)
		one_op();
}

/* Without CAP_IPC_LOCK, regions are charged to a small RLIMIT_MEMLOCK. */
static void drop_ipc_lock(rlim_t bytes)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { bytes, bytes };

	if (syscall(SYS_capget, &h, d))
		return;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	syscall(SYS_capset, &h, d);
	setrlimit(RLIMIT_MEMLOCK, &rl);
}

/*
 * One worker: its whole life follows from @seed. With @max_ops, stop
 * there (replay); otherwise live for a number of operations drawn from
 * the seed, then end in one of three ways.
 */
static void worker(uint64_t seed, uint64_t max_ops)
{
	struct unmapped_info info = { 0 };
	uint64_t ops;
	int fd, how, i;

	memset(&w, 0, sizeof(w));
	w.seed = seed;
	rng_state = seed;
	w.nr_nodes = 1;
	fd = um_open();
	if (fd >= 0 && !um_ioctl(fd, UNMAPPED_IOC_INFO, &info))
		w.nr_nodes = (int)info.nr_nodes;
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&sh->workers, 1);
	if (chance(25))
		drop_ipc_lock((rlim_t)(PAGE * (64 + below(8192))));
	ops = 200 + below(2000);
	if (max_ops)
		ops = max_ops;
	how = (int)below(3);
	printf("# worker seed %llu: %llu ops, then %s\n", (unsigned long long)seed,
	       (unsigned long long)ops,
	       how == 0 ? "clean up" : how == 1 ? "_exit()" : "SIGKILL");
	fflush(stdout);
	worker_ops(ops);
	if (how == 0) {
		while (w.nr_maps) {
			map_unmap_all(0);
			map_forget(0);
		}
		for (i = w.nr_regions - 1; i >= 0; i--) {
			struct unmapped_free f = { .id = w.regions[i].id };

			expect(um_ioctl(fd_of_file(w.regions[i].file),
					UNMAPPED_IOC_FREE, &f),
			       ERRS(0), 1, "FREE at the end");
		}
		while (w.nr_fds)
			fd_close(0);
		for (i = 0; i < w.nr_kids; i++)
			kill(w.kids[i].pid, SIGKILL);
		reap(1);
		exit(0);
	}
	if (how == 1)
		_exit(0);
	raise(SIGKILL);
}

/* --- chaos: parameters, caches and faults ------------------------------------ */

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	/* Refused values (EINVAL) are part of the game. */
	if (write(fd, val, strlen(val)) < 0)
		(void)0;
	close(fd);
}

static const char *const fault_kinds[] = { "block_alloc", "dm_remove", "dm_restore", "scrub" };

static void chaos(uint64_t seed, int faults, time_t end)
{
	static const char *const caps[] = { "0", "1", "2", "8", "64" };
	static const char *const files[] = { "0", "1048576", "16777216", "67108864" };
	char path[128], val[32];

	rng_state = seed;
	while (time(NULL) < end) {
		struct timespec ts = { 0, (long)(50 + below(400)) * 1000000L };
		unsigned int k;

		nanosleep(&ts, NULL);
		atomic_fetch_add(&sh->chaos_actions, 1);
		switch (below(faults ? 11 : 7)) {
		case 0:
			write_file(UM_PARAMS "backend", chance(70) ? "range" : "page");
			break;
		case 1:
			write_file(UM_PARAMS "max_cached_mb", caps[below(5)]);
			break;
		case 2:
			write_file(UM_PARAMS "shrink_partial", chance(70) ? "N" : "Y");
			break;
		case 3:
			write_file(UM_PARAMS "prefill_mb", chance(70) ? "0" : "4");
			break;
		case 4:
			write_file(UM_PARAMS "max_file_bytes", files[below(4)]);
			break;
		case 5:
		case 6:
			write_file("/proc/sys/vm/drop_caches", "2");
			break;
		default:
			k = (unsigned int)below(4);
			snprintf(path, sizeof(path), FAULT_DIR "%s/times", fault_kinds[k]);
			snprintf(val, sizeof(val), "%u", 1 + (unsigned int)below(3));
			write_file(path, val);
			snprintf(path, sizeof(path), FAULT_DIR "%s/after", fault_kinds[k]);
			write_file(path, chance(30) ? "1" : "0");
			snprintf(path, sizeof(path), FAULT_DIR "%s/nth", fault_kinds[k]);
			snprintf(val, sizeof(val), "%u", 1 + (unsigned int)below(40));
			write_file(path, val);
			atomic_fetch_add(&sh->faults_armed, 1);
			break;
		}
	}
	exit(0);
}

static void chaos_reset(void)
{
	char path[128];
	unsigned int k;

	for (k = 0; k < 4; k++) {
		snprintf(path, sizeof(path), FAULT_DIR "%s/nth", fault_kinds[k]);
		write_file(path, "0");
	}
	write_file(UM_PARAMS "backend", "range");
	write_file(UM_PARAMS "max_cached_mb", "64");
	write_file(UM_PARAMS "shrink_partial", "N");
	write_file(UM_PARAMS "prefill_mb", "0");
	write_file(UM_PARAMS "max_file_bytes", "0");
}

static long long fault_injected(const char *kind)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), FAULT_DIR "%s/injected", kind);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* --- after the run ------------------------------------------------------------- */

struct fz_block {
	unsigned long long lo, hi, nfree, used, rel, present, total;
	unsigned int order;
};

#define BLOCKS_FILE	"/sys/kernel/debug/unmapped/blocks"

/* One line of debugfs blocks; false if it is not one. */
static bool read_block(const char *line, struct fz_block *x)
{
	return sscanf(line, "pfn %llx-%llx order %u node %*d free %llu used %llu released %llu backend %*s dm_level %*s dm_present %llu/%llu",
		      &x->lo, &x->hi, &x->order, &x->nfree, &x->used, &x->rel, &x->present,
		      &x->total) == 8;
}

/* Is some of @x neither free, in use nor released: kept after a failed restore? */
static bool block_kept(const struct fz_block *x)
{
	return x->nfree + x->used + x->rel != x->total;
}

/*
 * Every block: nothing in use, and exactly its released pages present in
 * the direct map (the rest are cached and must be absent), unless some of
 * its pages are kept after a failed restore (leaked), which may be either.
 * Released pages are back in the page allocator, which may give them to a
 * later refill: a newer block nested in an older one has taken its cached
 * pages out of the direct map again, so they are not expected present.
 * (Buddy blocks are aligned powers of two: two of them nest or are apart.)
 */
static void check_blocks(void)
{
	unsigned int kept_blocks = 0, bad = 0, used_blocks = 0, nested = 0;
	unsigned int n = 0, cap = 0, i, j;
	struct fz_block *b = NULL, *nb;
	char line[512];
	FILE *f = fopen(BLOCKS_FILE, "re");

	if (!ksft_test(f != NULL, "debugfs blocks readable"))
		return;
	while (fgets(line, sizeof(line), f)) {
		struct fz_block x;

		if (!read_block(line, &x))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			nb = realloc(b, cap * sizeof(*b));
			if (!nb) {
				ksft_diag("out of memory reading blocks");
				bad++;
				break;
			}
			b = nb;
		}
		b[n++] = x;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		unsigned long long retaken = 0;

		used_blocks += b[i].used != 0;
		if (block_kept(&b[i])) {
			kept_blocks++;
			continue;
		}
		for (j = 0; j < n; j++) {
			if (j == i || b[j].lo < b[i].lo || b[j].hi > b[i].hi)
				continue;
			retaken += b[j].total - b[j].present;
			nested++;
		}
		if (b[i].present + retaken != b[i].rel) {
			bad++;
			ksft_diag("block %#llx order %u: %llu present, %llu released, %llu of them in newer blocks and absent",
				  b[i].lo, b[i].order, b[i].present, b[i].rel, retaken);
		}
	}
	free(b);
	ksft_test(!used_blocks, "no cached block has pages in use (%u blocks)", n);
	ksft_test(!bad, "every cached page is absent from the direct map, every released one present unless a newer block took it (%u blocks, %u nested in older ones, %u with kept pages not checked)",
		  n, nested, kept_blocks);
}

/* Pages the module keeps out of the page allocator after failed restores. */
static long long kept_pages(void)
{
	return um_stat("refill_pages") - um_stat("release_pages") - um_stat("pages_cached");
}

/*
 * Pages the module holds until unload because the kernel image's high
 * mapping maps them too (never cached, so not in kept_pages()). Under
 * injected refill failures the fallback orders reach the small free run
 * past the image's end, so a run can add up to that run (below 2 MiB).
 */
static long long alias_pages(void)
{
	return um_stat("alias_kept_pages");
}

/* The kernel's own memory users (kB), to tell where missing memory went. */
static const char *const mem_users[] = {
	"Slab",		/* first: um_slab_grown_kb() */ "KernelStack", "PageTables", "Percpu", "VmallocUsed",
};
#define NR_MEM_USERS	(sizeof(mem_users) / sizeof(mem_users[0]))

/* What the whole run must have left, measured before it. */
struct baseline {
	long long free_kb, kept, alias, refused, splits;
	long long users[NR_MEM_USERS];
	struct um_memsnap mem;	/* all of /proc/meminfo, for the diagnosis */
	int snapshot;		/* dm_snapshot's result: 0 or -errno */
};

/*
 * Empty the module's cache, then measure free memory: drop_caches until
 * nothing is cached (a shrinker that meets a node busy with a trim gives
 * nothing back that time, and drop_caches stops at the first empty round;
 * um_free_kb() drops caches once more), with shrink_partial on, since the
 * chaos leaves blocks partly released, whose free rest the shrinker keeps
 * otherwise.
 */
static long long empty_cache_free_kb(void)
{
	long long kb;

	write_file(UM_PARAMS "shrink_partial", "Y");
	for (int i = 0; i < 100 && um_stat("pages_cached") > 0; i++) {
		um_write_file("/proc/sys/vm/drop_caches", "2");
		usleep(50000);
	}
	kb = um_free_kb();
	write_file(UM_PARAMS "shrink_partial", "N");
	return kb;
}

/*
 * 2M regions of the blocks that hold pages kept after failed restores
 * (debugfs blocks): the only ones that may still be absent from the
 * direct map once the cache is empty.
 */
static long long kept_regions(void)
{
	FILE *f = fopen(BLOCKS_FILE, "re");
	struct fz_block x;
	char line[512];
	long long n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (read_block(line, &x) && block_kept(&x))
			n += x.total > 512 ? x.total / 512 : 1;
	if (f)
		fclose(f);
	return n;
}

/*
 * Empty the module's cache and measure. The snapshot first: it is held
 * (unmapped_test.ko's region table, 64 kB on a 4 GiB guest) until the
 * compare, after free memory is read again.
 */
static void take_baseline(struct baseline *b)
{
	b->snapshot = um_ut_cmd("dm_snapshot");
	b->free_kb = empty_cache_free_kb();
	b->kept = kept_pages();
	b->alias = alias_pages();
	b->refused = um_stat("refused_free_pages");
	b->splits = um_dm_splits();
	for (size_t i = 0; i < NR_MEM_USERS; i++)
		b->users[i] = um_meminfo_kb(mem_users[i]);
	um_memsnap_take(&b->mem);
}

/* How the kernel's own memory users moved since @b, as a diag line. */
static void diag_mem_users(const struct baseline *b)
{
	char line[256];
	size_t len = 0;

	line[0] = 0;
	for (size_t i = 0; i < NR_MEM_USERS && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %+lld",
					mem_users[i], um_meminfo_kb(mem_users[i]) - b->users[i]);
	ksft_diag("kB since before the run:%s", line);
}

/*
 * The checks that do not take the module's word for it: the direct map
 * as the kernel's page tables have it (unmapped_test.ko), free memory, and
 * the page allocator's refusals (pages freed while absent from the direct
 * map, which it counts as a loss).
 */
static void check_after(const struct baseline *b)
{
	long long free1 = empty_cache_free_kb(), kept = kept_pages() - b->kept;
	long long alias = alias_pages() - b->alias;
	long long splits = um_dm_splits() - b->splits, refused = um_stat("refused_free_pages") - b->refused;
	long long np = -1, slab = um_slab_grown_kb(b->users[0]);
	long long slack = um_free_slack_kb() + 4 * (kept + alias + splits) + slab;
	long long cached, kept_2m;
	int reads = 1, err;

	/*
	 * What the kernel frees late (the exited processes' RCU-freed state)
	 * comes back within seconds, as the runner allows around every test;
	 * a page the module lost never does.
	 */
	for (; b->free_kb - free1 > slack && reads < 6; reads++) {
		sleep(1);
		free1 = empty_cache_free_kb();
		slab = um_slab_grown_kb(b->users[0]);
		slack = um_free_slack_kb() + 4 * (kept + alias + splits) + slab;
	}
	cached = um_stat("pages_cached");
	kept_2m = kept_regions();
	err = b->snapshot ? b->snapshot : um_ut_cmd("dm_compare");

	if (!err)
		np = um_ut_key("not_present");
	ksft_diag("cache emptied: %lld pages cached, %lld kept after failed restores (in %lld 2M regions), %lld held for their high-map alias, %lld direct-map splits during the run",
		  cached, kept, kept_2m, alias, splits);
	ksft_test(!err && cached == 0 && np >= 0 && np <= kept_2m,
		  "direct map (page tables, unmapped_test.ko): with the cache empty, every 2M region present before the run is present again but those of kept pages (%lld not present, %lld kept%s%s)",
		  np, kept_2m, err ? "; dm_snapshot/dm_compare failed: " : "", err ? strerror(-err) : "");
	diag_mem_users(b);
	if (!ksft_test(b->free_kb - free1 <= slack,
		       "free memory back: %lld kB before the run, %lld kB after (allowed %lld kB less, with kept and alias-held pages, split page tables and Slab +%lld kB; read %d times)",
		       b->free_kb, free1, slack, slab, reads)) {
		char moved[1024];

		um_memsnap_moved(&b->mem, 64, moved, sizeof(moved));
		ksft_diag("/proc/meminfo fields that moved by 64 kB or more since before the run:%s",
			  moved);
	}
	ksft_test(refused == 0, "the page allocator refused no page freed while unmapped (refused_free_pages +%lld)",
		  refused);
	ksft_test(atomic_load(&sh->read_back) > 0,
		  "%lu bytes written through mappings read back as written, none otherwise",
		  atomic_load(&sh->read_back));
}

/* Every process of the run ends by exit(0) or SIGKILL; anything else is a bug. */
static void check_exit(pid_t pid, int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		printf("# UNEXPECTED: process %d died of signal %d\n", (int)pid,
		       WTERMSIG(status));
		atomic_fetch_add(&sh->unexpected, 1);
	} else if (WIFEXITED(status) && WEXITSTATUS(status)) {
		printf("# UNEXPECTED: process %d exited with %d\n", (int)pid,
		       WEXITSTATUS(status));
		atomic_fetch_add(&sh->unexpected, 1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: unmapped_fuzz [-d SECONDS] [-p PROCS] [-s SEED] [-f] [-R SEED [-n OPS]] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long base = 0, replay = 0, max_ops = 0;
	int procs = 4, duration = 30, faults = 0, have_seed = 0, opt, i, status;
	long long in_use, a0, a1, f0, f1, inj[4] = { 0 };
	struct baseline before;
	bool ut_here;
	unsigned long spawned = 0, total = 0, nr_groups_max = 0;
	pid_t chaos_pid, *running, *groups = NULL;
	time_t end;
	int fd;

	while ((opt = getopt(argc, argv, "d:p:s:fR:n:v")) != -1) {
		switch (opt) {
		case 'd': duration = atoi(optarg); break;
		case 'p': procs = atoi(optarg); break;
		case 's': base = strtoull(optarg, NULL, 0); have_seed = 1; break;
		case 'f': faults = 1; break;
		case 'R': replay = strtoull(optarg, NULL, 0); break;
		case 'n': max_ops = strtoull(optarg, NULL, 0); break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (procs < 1 || procs > 64 || duration < 1)
		usage();
	fd = um_open();
	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));
	close(fd);
	if (um_stat("pages_in_use") < 0)
		ksft_exit_fail("no %s", UM_STATS);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || ro_page == MAP_FAILED)
		ksft_exit_fail("no memory for the shared counters");
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
	signal(SIGPIPE, SIG_IGN);
	/* Orphans of workers that die come back to us, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		base = (unsigned long long)ts.tv_sec * 1000000007ULL + (unsigned long long)ts.tv_nsec;
	}

	ksft_plan(0);
	if (replay) {
		pid_t pid = fork();

		ksft_diag("replaying worker seed %llu%s", replay, max_ops ? "" : " (its whole life)");
		if (!pid) {
			setpgid(0, 0);
			worker(replay, max_ops);
		}
		waitpid(pid, &status, 0);
		kill(-pid, SIGKILL);
		while (wait(NULL) > 0)
			;
		ksft_test(!atomic_load(&sh->unexpected), "replay of seed %llu: no unexpected result", replay);
		ksft_exit();
	}

	ksft_diag("base seed %llu, %d workers at a time for %d s%s; replay one worker with -R SEED",
		  base, procs, duration, faults ? ", chaos with fault injection" : "");
	ut_here = um_need_test_module("unmapped_test", UM_PFN_STATE);
	take_baseline(&before);
	a0 = um_stat("alloc_pages");
	f0 = um_stat("free_pages");
	for (i = 0; i < 4; i++)
		inj[i] = fault_injected(fault_kinds[i]);
	end = time(NULL) + duration;
	running = calloc((size_t)procs, sizeof(*running));
	chaos_pid = fork();
	if (!chaos_pid)
		chaos(base ^ 0xc4a05ULL, faults, end);
	if (chaos_pid > 0)
		setpgid(chaos_pid, chaos_pid);
	while (time(NULL) < end) {
		pid_t pid;

		for (i = 0; i < procs; i++) {
			if (running[i] > 0)
				continue;
			if (spawned == nr_groups_max) {
				nr_groups_max = nr_groups_max ? 2 * nr_groups_max : 256;
				groups = realloc(groups, nr_groups_max * sizeof(*groups));
				if (!groups)
					ksft_exit_fail("out of memory");
			}
			fflush(stdout);
			running[i] = fork();
			if (!running[i]) {
				setpgid(0, 0);
				worker((uint64_t)(base + spawned), 0);
			}
			setpgid(running[i], running[i]);
			groups[spawned++] = running[i];
		}
		/*
		 * Workers, and the orphans of workers that ended (we are their
		 * subreaper): every process exits 0 or dies of SIGKILL.
		 */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			check_exit(pid, status);
			for (i = 0; i < procs; i++)
				if (running[i] == pid)
					running[i] = 0;
		}
		usleep(20000);
	}
	for (i = 0; i < (int)spawned; i++)
		kill(-groups[i], SIGKILL);
	for (;;) {
		pid_t pid = wait(&status);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		check_exit(pid, status);
	}
	free(groups);
	free(running);
	chaos_reset();

	for (i = 0; i < OP_NR; i++)
		total += atomic_load(&sh->ops[i]);
	ksft_diag("%lu workers (%lu forked children and fd receivers), %lu operations, %lu chaos actions, %lu faults armed",
		  spawned, atomic_load(&sh->children), total, atomic_load(&sh->chaos_actions),
		  atomic_load(&sh->faults_armed));
	for (i = 0; i < OP_NR; i++)
		ksft_diag("  %-13s %lu", op_names[i], atomic_load(&sh->ops[i]));
	for (i = 0; i < 4; i++) {
		long long v = fault_injected(fault_kinds[i]);

		if (v >= 0 && inj[i] >= 0)
			ksft_diag("faults injected: %-11s %lld", fault_kinds[i], v - inj[i]);
	}
	ksft_diag("fresh pages checked for zero: %lu", atomic_load(&sh->zero_checked_pages));
	ksft_test(!atomic_load(&sh->unexpected), "%lu operations, no unexpected result (%lu)",
		  total, atomic_load(&sh->unexpected));

	in_use = um_stat_wait("pages_in_use", 0, 20000);
	a1 = um_stat("alloc_pages");
	f1 = um_stat("free_pages");
	ksft_diag("pages allocated %lld, given back %lld", a1 - a0, f1 - f0);
	ksft_test(in_use == 0, "pages_in_use back to 0 once every process is gone (%lld)", in_use);
	ksft_test(a0 >= 0 && f0 >= 0 && a1 - a0 == f1 - f0,
		  "every page allocated came back (%lld allocated, %lld freed)", a1 - a0, f1 - f0);
	check_blocks();
	check_after(&before);
	if (ut_here)
		um_unload_test_module("unmapped_test");
	ksft_exit();
}
