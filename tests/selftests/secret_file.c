// SPDX-License-Identifier: GPL-2.0-only
/*
 * secret_file - UNMAPPED_IOC_SECRET, memfd_secret() served from the cache:
 * the file's semantics (ftruncate once, MAP_SHARED only, never exec, no
 * file IO, SIGBUS past the size, shared by mappings, fork() and a
 * descriptor passed over a socket), what a hostile caller gets (flags,
 * reserved, a reply it cannot write: the errno and no descriptor left),
 * that nothing but the owner's own loads reach the pages (process_vm_readv,
 * /proc/PID/mem, direct map), the RLIMIT_MEMLOCK charge per touched page,
 * and that every page is back in the cache when the last reference goes,
 * without a single 2M->4K direct-map split (the split memfd_secret makes;
 * a 1G->2M split is allowed only as a refill of the cache's own, counted
 * in its splits_l3: keep_1g's refill_1g test owns that policy).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define NR_TOUCH	256

static int dev;

/* Direct-map splits (/proc/vmstat), and the 1G ones the cache's own calls saw. */
struct splits {
	long long l2, l3, cache_l3;
};

static struct splits splits_now(void)
{
	struct splits s = {
		.l2 = um_file_value("/proc/vmstat", "direct_map_level2_splits"),
		.l3 = um_file_value("/proc/vmstat", "direct_map_level3_splits"),
		.cache_l3 = um_stat("splits_l3"),
	};
	return s;
}

/* True if nothing since @s0 split a 2M mapping and every 1G split was a refill's. */
static bool no_split_since(const struct splits *s0, char *why, size_t n)
{
	struct splits s = splits_now();

	snprintf(why, n, "2M->4K %lld, 1G->2M %lld of which the cache's refills %lld",
		 s.l2 - s0->l2, s.l3 - s0->l3, s.cache_l3 - s0->cache_l3);
	return s.l2 == s0->l2 && s.l3 - s0->l3 == s.cache_l3 - s0->cache_l3;
}

static int secret(uint32_t flags, uint32_t reserved, int *fdp)
{
	struct unmapped_secret s = { .flags = flags, .reserved = reserved };
	int fd;

	s.size = sizeof(s);
	fd = ioctl(dev, UNMAPPED_IOC_SECRET, &s);
	if (fd < 0)
		return -errno;
	if (fdp)
		*fdp = s.fd;
	return fd;
}

/* The lowest free descriptor: a leaked one would take it. */
static int lowest_free_fd(void)
{
	int fd = dup(0), ret = fd;

	if (fd >= 0)
		close(fd);
	return ret;
}

static void test_create(void)
{
	int fd, out = -1, low = lowest_free_fd();
	struct unmapped_secret *ro;

	fd = secret(0, 0, &out);
	ksft_test(fd >= 0 && fd == out && !(fcntl(fd, F_GETFD) & FD_CLOEXEC),
		  "SECRET: a descriptor, reported in the reply, no FD_CLOEXEC");
	if (fd >= 0)
		close(fd);
	fd = secret(O_CLOEXEC, 0, NULL);
	ksft_test(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
		  "SECRET with O_CLOEXEC: FD_CLOEXEC set");
	if (fd >= 0)
		close(fd);

	ksft_test(secret(O_NONBLOCK, 0, NULL) == -EINVAL &&
		  secret(1U << 31, 0, NULL) == -EINVAL &&
		  secret(O_CLOEXEC | 1, 0, NULL) == -EINVAL,
		  "SECRET with unknown flags: EINVAL");
	ksft_test(secret(0, 1, NULL) == -EINVAL, "SECRET with reserved set: EINVAL");

	/* Readable (the size is read) but not writable: the reply fails. */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro->size = sizeof(*ro);
	mprotect(ro, PAGE, PROT_READ);
	ksft_test(ioctl(dev, UNMAPPED_IOC_SECRET, ro) < 0 && errno == EFAULT,
		  "SECRET with a read-only reply: EFAULT");
	munmap(ro, PAGE);
	ksft_test(lowest_free_fd() == low, "no descriptor left behind by the failures (lowest free %d)",
		  lowest_free_fd());
}

static void test_file_api(void)
{
	int fd = secret(O_CLOEXEC, 0, NULL);
	char buf[64] = { 0 };
	struct stat st;

	if (fd < 0)
		ksft_exit_fail("SECRET: %s", strerror(-fd));
	ksft_test(ftruncate(fd, -1) < 0 && errno == EINVAL, "ftruncate(-1): EINVAL");
	ksft_test(!ftruncate(fd, 3 * PAGE) && !fstat(fd, &st) && st.st_size == 3 * PAGE &&
		  S_ISREG(st.st_mode), "ftruncate sets the size of a regular file");
	ksft_test(ftruncate(fd, PAGE) < 0 && errno == EINVAL &&
		  ftruncate(fd, 4 * PAGE) < 0 && errno == EINVAL && !fstat(fd, &st) &&
		  st.st_size == 3 * PAGE, "a second ftruncate: EINVAL, size unchanged");
	{
		int e[4];

		e[0] = read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		e[1] = write(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		e[2] = pread(fd, buf, sizeof(buf), 0) < 0 ? errno : 0;
		e[3] = pwrite(fd, buf, sizeof(buf), 0) < 0 ? errno : 0;
		ksft_test(e[0] == EINVAL && e[1] == EINVAL && e[2] == ESPIPE && e[3] == ESPIPE,
			  "read, write: EINVAL; pread, pwrite: ESPIPE (got %s, %s, %s, %s)",
			  strerror(e[0]), strerror(e[1]), strerror(e[2]), strerror(e[3]));
	}
	ksft_test(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) == MAP_FAILED &&
		  errno == EINVAL, "MAP_PRIVATE: EINVAL");
	ksft_test(mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) == MAP_FAILED &&
		  errno == EPERM, "PROT_EXEC: EPERM");
	{
		void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);

		ksft_test(p != MAP_FAILED && mprotect(p, PAGE, PROT_READ | PROT_EXEC) < 0,
			  "mprotect cannot add PROT_EXEC later");
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	}
	close(fd);

	fd = secret(0, 0, NULL);
	ksft_test(fd >= 0 && !ftruncate(fd, 1LL << 50) && !fstat(fd, &st) &&
		  st.st_size == 1LL << 50,
		  "ftruncate to 1 PiB is accepted (as by memfd_secret): pages come on touch only");
	if (fd >= 0)
		close(fd);
}

/* Status of a child that ran @fn: which signal ended it, or its exit << 8. */
static int in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status) << 8;
}

static void touch(void *p)
{
	*(volatile char *)p = 1;
}

struct mem_args {
	char *addr;
	pid_t pid;
};

/* 0: could not read it; 1: read it. */
static void remote_read(void *arg)
{
	struct mem_args *a = arg;
	char buf[16], path[64];
	struct iovec l = { buf, sizeof(buf) }, r = { a->addr, sizeof(buf) };
	int fd;

	if (process_vm_readv(a->pid, &l, 1, &r, 1, 0) >= 0)
		_exit(1);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)a->pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && pread(fd, buf, sizeof(buf), (off_t)(uintptr_t)a->addr) >= 0)
		_exit(2);
	_exit(0);
}

static void child_write(void *p)
{
	if (((char *)p)[PAGE] != 0x5a)
		_exit(3);
	((char *)p)[2 * PAGE] = 0x33;
}

static void test_sharing(void)
{
	int fd = secret(O_CLOEXEC, 0, NULL);
	long long in_use = um_stat("pages_in_use");
	struct splits splits = splits_now();
	char why[128];
	struct mem_args ma = { .pid = getpid() };
	char *a, *b;

	if (fd < 0 || ftruncate(fd, 3 * PAGE))
		ksft_exit_fail("SECRET: %s", strerror(errno));
	a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
	if (a == MAP_FAILED || b == MAP_FAILED)
		ksft_exit_fail("mmap: %s", strerror(errno));
	ksft_test(a[0] == 0 && a[PAGE] == 0 && b[PAGE] == 0, "pages read zero at first touch");
	a[PAGE] = 0x5a;
	ksft_test(b[0] == 0x5a, "a second mapping at another offset sees the same page");
	ksft_test(in_child(child_write, a) == 0 && b[PAGE] == 0x33,
		  "a fork()ed child keeps the mapping: it reads the parent's data, the parent its");
	ksft_test(um_stat("pages_in_use") - in_use == 3,
		  "3 pages touched, 3 pages taken from the cache (got %lld)",
		  um_stat("pages_in_use") - in_use);
	ma.addr = a + PAGE;
	ksft_test(in_child(remote_read, &ma) == 0,
		  "process_vm_readv and /proc/PID/mem cannot read it");

	/* The child touched page 2 in its own page table: map it here too. */
	ksft_test(a[2 * PAGE] == 0x33, "the parent reads the child's write through its first mapping");
	{
		uint64_t pfns[3];
		int present[3] = { 1, 1, 1 };
		int err = um_user_pfns(getpid(), (unsigned long)a, 3, pfns);

		if (!err)
			err = um_pfn_present(pfns, 3, present);
		ksft_test(!err && pfns[0] && pfns[1] && pfns[2] && !present[0] && !present[1] &&
			  !present[2], "its pages are absent from the direct map (%d)", err);
	}

	munmap(a, 3 * PAGE);
	ksft_test(um_stat("pages_in_use") - in_use == 3,
		  "unmapped but still held by a mapping and the descriptor: pages kept");
	close(fd);
	ksft_test(um_stat("pages_in_use") - in_use == 3 && b[0] == 0x5a,
		  "descriptor closed, one mapping left: pages kept, contents too");
	munmap(b, 2 * PAGE);
	ksft_test(um_stat("pages_in_use") == in_use,
		  "last reference gone: every page back in the cache");
	ksft_test(no_split_since(&splits, why, sizeof(why)), "no direct-map split (%s)", why);
}

/*
 * A process that did not exist when the file was made gets it over a
 * socket, maps it, reads the creator's byte and leaves one of its own.
 */
static void test_fd_passing(void)
{
	long long in_use = um_stat("pages_in_use");
	int sv[2], fd, st = -1;
	char *p;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		ksft_exit_fail("socketpair: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int rfd = um_recv_fd(sv[1]);
		char *q = rfd < 0 ? MAP_FAILED :
			mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);

		if (q == MAP_FAILED)
			_exit(2);
		if (q[0] != 0x42)
			_exit(3);
		q[1] = 0x43;
		_exit(0);
	}
	fd = secret(O_CLOEXEC, 0, NULL);
	if (fd < 0 || ftruncate(fd, PAGE))
		ksft_exit_fail("SECRET: %s", strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ksft_exit_fail("mmap: %s", strerror(errno));
	p[0] = 0x42;
	if (pid > 0 && !um_send_fd(sv[0], fd))
		waitpid(pid, &st, 0);
	ksft_test(st == 0 && p[1] == 0x43,
		  "a descriptor passed over a socket: the receiver maps the same page (status %#x)",
		  st);
	ksft_test(um_stat("pages_in_use") - in_use == 1, "one page for both processes");
	munmap(p, PAGE);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	ksft_test(um_stat("pages_in_use") == in_use, "both gone: the page is back");
}

static void touch_beyond(void *p)
{
	touch((char *)p + PAGE);
}

/*
 * As a user of its own (root's locked_vm is shared with whatever else root
 * runs) with RLIMIT_MEMLOCK of 4 pages: twice a file, 4 pages touched, so
 * the first file's charge must have come back; then a fifth page SIGBUSes.
 * @arg counts the touches that succeeded.
 */
static void limited(void *arg)
{
	struct rlimit rl = { 4 * PAGE, 4 * PAGE };
	volatile int *done = arg;
	int round, i, fd;
	char *p;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgid(65534) || setuid(65534))
		_exit(9);
	for (round = 0; round < 2; round++) {
		fd = secret(0, 0, NULL);
		if (fd < 0 || ftruncate(fd, 8 * PAGE))
			_exit(10);
		p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			_exit(11);
		for (i = 0; i < 4; i++) {
			touch(p + i * PAGE);
			(*done)++;
		}
		if (round)
			touch(p + 4 * PAGE);
		munmap(p, 8 * PAGE);
		close(fd);
	}
	_exit(0);
}

static void test_limits(void)
{
	long long in_use = um_stat("pages_in_use");
	int fd = secret(0, 0, NULL), st;
	volatile int *done;
	char *p;

	if (fd < 0 || ftruncate(fd, PAGE))
		ksft_exit_fail("SECRET: %s", strerror(errno));
	/* Mapping past the size is allowed; touching it is not. */
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ksft_test(p != MAP_FAILED && in_child(touch_beyond, p) == SIGBUS,
		  "a touch past the size: SIGBUS");
	ksft_test(um_stat("pages_in_use") == in_use, "... and no page taken for it");
	munmap(p, 2 * PAGE);
	close(fd);

	done = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	st = in_child(limited, (void *)done);
	ksft_test(st == SIGBUS && *done == 8,
		  "RLIMIT_MEMLOCK of 4 pages: 4 touched twice (charge returned), the fifth SIGBUS (status %#x, %d touched)",
		  st, *done);
	munmap((void *)done, PAGE);
	ksft_test(um_stat("pages_in_use") == in_use, "the child is gone: its pages are back");

}

/* Many pages, then all back: the cache's order-0 pages never split. */
static void test_many(void)
{
	long long in_use = um_stat("pages_in_use");
	struct splits splits = splits_now();
	int fd = secret(0, 0, NULL), i;
	char *p, why[128];

	if (fd < 0 || ftruncate(fd, NR_TOUCH * PAGE))
		ksft_exit_fail("SECRET: %s", strerror(errno));
	p = mmap(NULL, NR_TOUCH * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ksft_exit_fail("mmap: %s", strerror(errno));
	for (i = 0; i < NR_TOUCH; i++)
		p[i * PAGE] = (char)i;
	ksft_test(no_split_since(&splits, why, sizeof(why)) &&
		  um_stat("pages_in_use") - in_use == NR_TOUCH,
		  "%d pages touched: %lld taken, no direct-map split (%s)", NR_TOUCH,
		  um_stat("pages_in_use") - in_use, why);
	munmap(p, NR_TOUCH * PAGE);
	close(fd);
	ksft_test(um_stat("pages_in_use") == in_use, "all back after close");
}

/* Give every cached page back (the shrinker), so that the next touch refills. */
static bool empty_cache(void)
{
	for (int i = 0; i < 100 && um_stat("pages_cached") > 0; i++) {
		um_write_file("/proc/sys/vm/drop_caches", "2");
		usleep(50000);
	}
	return um_stat("pages_cached") == 0;
}

struct refills {
	long long o9, o10, fallbacks, flushes;
};

static struct refills refills_now(void)
{
	return (struct refills){ um_stat("refills_order_9"), um_stat("refills_order_10"),
				 um_stat("refill_fallbacks"), um_stat("tlb_flushes") };
}

/* Touch every page of a secret file of @pages; the refills it took meanwhile. */
static struct refills fill_file(long pages)
{
	struct refills r0, r1;
	int fd = secret(0, 0, NULL);
	char *p;

	if (fd < 0 || ftruncate(fd, pages * PAGE))
		ksft_exit_fail("SECRET: %s", strerror(errno));
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ksft_exit_fail("mmap: %s", strerror(errno));
	r0 = refills_now();
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	r1 = refills_now();
	munmap(p, pages * PAGE);
	close(fd);
	return (struct refills){ r1.o9 - r0.o9, r1.o10 - r0.o10,
				 r1.fallbacks - r0.fallbacks, r1.flushes - r0.flushes };
}

/*
 * A file of 4 MiB or more fills from 4 MiB refills (UM_ALLOC_BULK): one
 * direct-map change and one flush per 1024 pages, as a region of that
 * size gets; a smaller file from the usual 2 MiB ones, so that a small
 * user holds no more than before. From an empty cache, so that every
 * page touched comes from a refill of the file's own.
 */
static void test_bulk_refill(void)
{
	struct refills r;
	bool empty = empty_cache();

	if (!ksft_test(empty, "the cache gave every page back before the refill checks (%lld cached)",
		       um_stat("pages_cached")))
		return;
	r = fill_file(4096);
	ksft_test(r.o10 >= 1 && r.o9 == r.fallbacks && r.o10 + r.o9 <= 4 + r.fallbacks,
		  "16 MiB file: 4 MiB refills (%lld), 2 MiB ones only as fallbacks (%lld, %lld fallbacks)",
		  r.o10, r.o9, r.fallbacks);
	ksft_test(r.flushes <= r.o10 + r.o9 && r.flushes <= 4 + r.fallbacks,
		  "16 MiB file: one TLB flush per refill, at most 4 for 4096 pages (%lld)", r.flushes);
	empty = empty_cache();
	if (!ksft_test(empty, "... and again before the small file (%lld cached)",
		       um_stat("pages_cached")))
		return;
	r = fill_file(256);
	ksft_test(r.o9 == 1 && r.o10 == 0,
		  "1 MiB file: one 2 MiB refill (%lld), no 4 MiB one (%lld)", r.o9, r.o10);
}

int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	bool ut, pm;

	dev = um_open();
	if (dev < 0)
		ksft_exit_fail("open %s: %s", UNMAPPED_DEVICE, strerror(-dev));
	/* The selftests' own budget: memfd_secret charges even root. */
	setrlimit(RLIMIT_MEMLOCK, &rl);
	/* The refill checks count single blocks (batches: refill_batch.sh). */
	if (um_write_value(UM_PARAMS "refill_batch_max", "1"))
		ksft_exit_fail("cannot set %srefill_batch_max", UM_PARAMS);
	ut = um_need_test_module("unmapped_test", UM_PFN_STATE);
	pm = um_need_test_module("unmapped_pfnmap", UM_PFNMAP_PTES);

	ksft_plan(0);
	test_create();
	test_file_api();
	test_sharing();
	test_fd_passing();
	test_limits();
	test_many();
	test_bulk_refill();

	if (pm)
		um_unload_test_module("unmapped_pfnmap");
	if (ut)
		um_unload_test_module("unmapped_test");
	close(dev);
	ksft_exit();
}
