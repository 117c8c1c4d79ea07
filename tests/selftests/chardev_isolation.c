// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_isolation - what /dev/unmapped memory is for: only its owner can
 * read it. Checked from outside the module: the kernel's direct map does
 * not map the pages (pfns read from the process's page tables by
 * unmapped_pfnmap.ko, since pagemap hides VM_PFNMAP pfns even from root;
 * looked up with lookup_address() by unmapped_test.ko), including those
 * `unmappedctl alloc --size 64M --fill 0xa5` holds; /proc/PID/mem, process_vm_readv() and ptrace
 * cannot read them, a forked child does not inherit them, and memory
 * another process filled and freed comes back zeroed.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define MiB		(1UL << 20)

static int fd;
static const char *loaded_here[2];	/* test modules this test loaded */

static unsigned char *alloc_map(size_t len, struct unmapped_alloc *a)
{
	void *p;

	if (um_alloc(fd, len, 0, 0, -1, a))
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a->offset);
	if (p == MAP_FAILED) {
		um_free(fd, a->id);
		return NULL;
	}
	return p;
}

static void unmap_free(void *p, const struct unmapped_alloc *a)
{
	munmap(p, a->length);
	um_free(fd, a->id);
}

/*
 * How many of @nr pages of process @pid at @addr the direct map still maps
 * (-1: could not tell). The pfns come from the process's page tables
 * (unmapped_pfnmap.ko), the answer from lookup_address()
 * (unmapped_test.ko): neither asks unmapped.ko. *@pfns_out gets the pfns.
 */
static long present_pages(pid_t pid, unsigned long addr, size_t nr, uint64_t **pfns_out)
{
	uint64_t *pfns = calloc(nr, sizeof(*pfns));
	int *present = calloc(nr, sizeof(*present));
	long n = -1;
	size_t i;
	int err;

	if (!pfns || !present)
		goto out;
	err = um_user_pfns(pid, addr, nr, pfns);
	if (err) {
		ksft_diag("page-table pfns of %d: %s", (int)pid, strerror(-err));
		goto out;
	}
	for (i = 0; i < nr; i++)
		if (!pfns[i]) {
			ksft_diag("page %zu at %#lx is not mapped", i, addr);
			goto out;
		}
	err = um_pfn_present(pfns, nr, present);
	if (err) {
		ksft_diag("pfn_state: %s", strerror(-err));
		goto out;
	}
	for (n = 0, i = 0; i < nr; i++)
		n += present[i] != 0;
out:
	free(present);
	if (pfns_out)
		*pfns_out = pfns;
	else
		free(pfns);
	return n;
}

/* pagemap has no pfn for any of @nr pages at @addr (VM_PFNMAP is a hole). */
static bool pagemap_hides(unsigned long addr, size_t nr)
{
	uint64_t *pfns = calloc(nr, sizeof(*pfns));
	bool hidden = pfns && !um_pagemap(getpid(), addr, nr, pfns);
	size_t i;

	for (i = 0; hidden && i < nr; i++)
		hidden = !pfns[i];
	free(pfns);
	return hidden;
}

static void test_direct_map_self(void)
{
	const size_t len = 16 * MiB, nr = len / PAGE;
	uint64_t *pfns = NULL, pm[16], pt[16];
	struct unmapped_region rg;
	struct unmapped_alloc a;
	unsigned char *p, *plain;
	size_t i, inside = 0;
	long n;

	p = alloc_map(len, &a);
	if (!ksft_test(p != NULL, "ALLOC and mmap 16 MiB"))
		return;
	memset(p, 0xa5, len);
	ksft_test(pagemap_hides((unsigned long)p, nr),
		  "/proc/self/pagemap shows no pfns for the region, even to root");
	n = present_pages(getpid(), (unsigned long)p, nr, &pfns);
	ksft_test(n == 0, "pages of a 16 MiB region are absent from the direct map (%ld of %zu present)",
		  n, nr);
	um_region(fd, a.id, &rg);
	for (i = 0; pfns && i < nr; i++)
		inside += pfns[i] >= rg.min_pfn && pfns[i] < rg.end_pfn;
	ksft_test(inside == nr, "their page-table pfns lie in the range REGION reports (%#llx-%#llx)",
		  (unsigned long long)rg.min_pfn, (unsigned long long)rg.end_pfn);
	free(pfns);
	unmap_free(p, &a);

	/* The checkers are not vacuous: ordinary pages, seen both ways. */
	plain = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(plain, 1, 16 * PAGE);
	n = present_pages(getpid(), (unsigned long)plain, 16, NULL);
	ksft_test(n == 16 && !um_user_pfns(getpid(), (unsigned long)plain, 16, pt) &&
		  !um_pagemap(getpid(), (unsigned long)plain, 16, pm) && !memcmp(pt, pm, sizeof(pm)),
		  "ordinary pages: page-table pfns match pagemap, and are present (%ld of 16)", n);
	munmap(plain, 16 * PAGE);
}

/* Start `unmappedctl alloc ... --hold`, return its pid and mapping address. */
static pid_t start_holder(FILE **out, unsigned long *addr)
{
	int pipefd[2];
	char line[256];
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execlp("unmappedctl", "unmappedctl", "alloc", "--size", "64M", "--fill", "0xa5",
		       "--hold", "120", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	*out = fdopen(pipefd[0], "r");
	*addr = 0;
	while (fgets(line, sizeof(line), *out)) {
		ksft_diag("unmappedctl: %.*s", (int)strcspn(line, "\n"), line);
		sscanf(line, "mapped at %lx", addr);
		if (!strncmp(line, "holding", 7))
			return pid;
	}
	return -pid;
}

static void test_direct_map_unmappedctl(void)
{
	const size_t nr = 64 * MiB / PAGE;
	long long before = um_stat("pages_in_use");
	unsigned long addr;
	int status = -1;
	FILE *out = NULL;
	char line[256];
	pid_t pid;
	long n;

	pid = start_holder(&out, &addr);
	if (!ksft_test(pid > 0 && addr, "unmappedctl alloc --size 64M --fill 0xa5 --hold holds")) {
		if (pid < 0)
			waitpid(-pid, &status, 0);
		if (out)
			fclose(out);
		return;
	}
	n = present_pages(pid, addr, nr, NULL);
	ksft_test(n == 0, "its 64 MiB are absent from the direct map (%ld of %zu present)", n, nr);
	ksft_test(um_stat("pages_in_use") >= before + (long long)nr, "pages_in_use counts them");

	kill(pid, SIGTERM);
	while (fgets(line, sizeof(line), out))
		ksft_diag("unmappedctl: %.*s", (int)strcspn(line, "\n"), line);
	fclose(out);
	waitpid(pid, &status, 0);
	ksft_test(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "SIGTERM ends the hold; unmappedctl releases and exits 0 (status %#x)", status);
	ksft_test(um_stat_wait("pages_in_use", before, 5000) == before,
		  "its pages are back in the cache");
}

static void test_self_access(void)
{
	struct unmapped_alloc a;
	unsigned char *p, buf[64];
	char plain[64] = "ordinary memory";
	struct iovec local = { buf, sizeof(buf) }, remote;
	int memfd;

	p = alloc_map(MiB, &a);
	if (!ksft_test(p != NULL, "ALLOC and mmap 1 MiB"))
		return;
	memset(p, 0xa5, MiB);

	memfd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	ksft_test(pread(memfd, buf, sizeof(buf), (off_t)(uintptr_t)plain) == sizeof(buf) &&
		  !strcmp((char *)buf, plain), "/proc/self/mem reads ordinary memory (sanity)");
	ksft_test(pread(memfd, buf, sizeof(buf), (off_t)(uintptr_t)p) < 0 && errno == EIO,
		  "/proc/self/mem cannot read the region (EIO)");
	close(memfd);

	remote.iov_base = plain;
	remote.iov_len = sizeof(buf);
	ksft_test(process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == sizeof(buf),
		  "process_vm_readv reads ordinary memory (sanity)");
	remote.iov_base = p;
	ksft_test(process_vm_readv(getpid(), &local, 1, &remote, 1, 0) < 0 && errno == EFAULT,
		  "process_vm_readv cannot read the region (EFAULT)");
	unmap_free(p, &a);
}

static void test_other_process_access(void)
{
	struct unmapped_alloc a;
	struct {
		unsigned long region, plain;
	} where;
	unsigned char buf[64];
	struct iovec local = { buf, sizeof(buf) }, remote = { NULL, sizeof(buf) };
	int pipefd[2], status, memfd;
	char path[64];
	long word;
	pid_t pid;

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		static char plain[64] = "ordinary memory";
		unsigned char *p = alloc_map(MiB, &a);

		if (!p)
			_exit(1);
		memset(p, 0xa5, MiB);
		where.region = (unsigned long)p;
		where.plain = (unsigned long)plain;
		if (write(pipefd[1], &where, sizeof(where)) != sizeof(where))
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (!ksft_test(read(pipefd[0], &where, sizeof(where)) == sizeof(where),
		       "a child maps a region filled with 0xa5")) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	close(pipefd[0]);

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	memfd = open(path, O_RDONLY | O_CLOEXEC);
	ksft_test(memfd >= 0 && pread(memfd, buf, sizeof(buf), (off_t)where.plain) == sizeof(buf),
		  "/proc/PID/mem reads the child's ordinary memory (sanity)");
	ksft_test(pread(memfd, buf, sizeof(buf), (off_t)where.region) < 0 && errno == EIO,
		  "/proc/PID/mem cannot read the child's region (EIO)");
	close(memfd);

	remote.iov_base = (void *)where.region;
	ksft_test(process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 && errno == EFAULT,
		  "process_vm_readv cannot read the child's region (EFAULT)");

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0 && waitpid(pid, &status, 0) == pid) {
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, (void *)where.plain, NULL);
		ksft_test(errno == 0 && !memcmp(&word, "ordinary", 8),
			  "PTRACE_PEEKDATA reads ordinary memory (sanity)");
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, (void *)where.region, NULL);
		ksft_test(word == -1 && errno == EIO, "PTRACE_PEEKDATA cannot read the region (EIO)");
		ksft_test(ptrace(PTRACE_POKEDATA, pid, (void *)where.region, (void *)0L) == -1 &&
			  errno == EIO, "PTRACE_POKEDATA cannot write it (EIO)");
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else {
		ksft_test(false, "PTRACE_ATTACH to the child: %s", strerror(errno));
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static bool maps_mention_device(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, UNMAPPED_DEVICE) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void test_fork(void)
{
	struct unmapped_alloc a;
	unsigned char *p;
	int status;
	pid_t pid;

	p = alloc_map(MiB, &a);
	if (!ksft_test(p != NULL && maps_mention_device(), "the parent's maps show the region"))
		return;
	memset(p, 0x5a, MiB);
	pid = fork();
	if (pid == 0) {
		unsigned char vec;
		int bits = 0;

		if (maps_mention_device())
			bits |= 1;
		if (mincore(p, PAGE, &vec) == 0 || errno != ENOMEM)
			bits |= 2;
		_exit(bits);
	}
	waitpid(pid, &status, 0);
	ksft_test(WIFEXITED(status) && !(WEXITSTATUS(status) & 1),
		  "a forked child's maps do not show it");
	ksft_test(WIFEXITED(status) && !(WEXITSTATUS(status) & 2),
		  "the address is not mapped in the child (mincore: ENOMEM)");
	ksft_test(p[0] == 0x5a && p[MiB - 1] == 0x5a, "the parent's mapping is intact");
	unmap_free(p, &a);
}

/*
 * Old data: a child fills a region and frees it; another child allocates
 * the same size and must read zeros. That shows the module's scrub only if
 * the second child got the first one's pages straight from the cache: the
 * strict boot has init_on_free=1, so pages that went back to the page
 * allocator in between would read zeros whatever the module did. So the
 * cache is emptied first (the first region is then a refill the cache
 * keeps: 32 MiB is below max_cached_mb), nothing may be released to the
 * page allocator meanwhile (release_pages), and the pfns of both regions,
 * read from the children's page tables (unmapped_pfnmap.ko; pagemap has
 * none for VM_PFNMAP) into shared memory, must be the same set.
 */
#define OLD_PAGES	(32 * MiB / PAGE)

static void old_data_child(uint64_t *pfns, int *result, bool fill)
{
	struct unmapped_alloc a;
	unsigned char *p;
	size_t i;

	fd = um_open();
	p = alloc_map(OLD_PAGES * PAGE, &a);
	if (!p)
		_exit(2);
	if (fill) {
		memset(p, 0xa5, OLD_PAGES * PAGE);
	} else {
		static const unsigned char zero[PAGE];

		/* memcmp() per page: a byte loop is slow under emulation. */
		*result = 0;
		for (i = 0; i < OLD_PAGES; i++)
			if (memcmp(p + i * PAGE, zero, PAGE))
				for (size_t j = 0; j < PAGE; j++)
					*result += p[i * PAGE + j] != 0;
	}
	/* Every page is faulted in by now, so every PTE has its pfn. */
	if (um_user_pfns(getpid(), (unsigned long)p, OLD_PAGES, pfns))
		_exit(3);
	unmap_free(p, &a);
	_exit(0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_old_data(void)
{
	struct shared {
		uint64_t first[OLD_PAGES], second[OLD_PAGES];
		int nonzero;
	} *sh;
	size_t i, reused = 0, unmapped = 0;
	long long cached, released;
	int st1, st2;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ksft_test(sh != MAP_FAILED, "shared memory for the children's pfns"))
		return;
	sh->nonzero = -1;
	um_write_file("/proc/sys/vm/drop_caches", "2");
	cached = um_stat("pages_free");
	released = um_stat("release_pages");
	pid = fork();
	if (pid == 0)
		old_data_child(sh->first, &sh->nonzero, true);
	waitpid(pid, &st1, 0);
	pid = fork();
	if (pid == 0)
		old_data_child(sh->second, &sh->nonzero, false);
	waitpid(pid, &st2, 0);
	released = um_stat("release_pages") - released;

	ksft_test(WIFEXITED(st1) && !WEXITSTATUS(st1) && WIFEXITED(st2) && !WEXITSTATUS(st2),
		  "one process fills 32 MiB with 0xa5 and frees it, another allocates 32 MiB (exit %#x, %#x)",
		  st1, st2);
	qsort(sh->first, OLD_PAGES, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < OLD_PAGES; i++) {
		unmapped += !sh->first[i] + !sh->second[i];
		reused += sh->second[i] && bsearch(&sh->second[i], sh->first, OLD_PAGES,
						   sizeof(uint64_t), cmp_u64) != NULL;
	}
	ksft_test(reused == OLD_PAGES && !unmapped && cached == 0 && released == 0,
		  "the second process got every page of the first one back from the cache "
		  "(%zu of %lu; %zu pfns missing; cache held %lld pages before, %lld released meanwhile)",
		  reused, OLD_PAGES, unmapped, cached, released);
	ksft_test(sh->nonzero == 0, "... and reads only zeros there: the module scrubbed them (%d nonzero bytes)",
		  sh->nonzero);
	munmap(sh, sizeof(*sh));
}

int main(void)
{
	if (geteuid() != 0)
		ksft_exit_skip("needs root (pagemap pfns, ptrace, debugfs)");
	fd = um_open();
	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));
	if (um_stat("pages_in_use") < 0)
		ksft_exit_fail("no pages_in_use in %s", UM_STATS);
	ksft_plan(0);
	if (um_need_test_module("unmapped_test", UM_PFN_STATE))
		loaded_here[0] = "unmapped_test";
	if (um_need_test_module("unmapped_pfnmap", UM_PFNMAP_PTES))
		loaded_here[1] = "unmapped_pfnmap";

	test_direct_map_self();
	test_direct_map_unmappedctl();
	test_self_access();
	test_other_process_access();
	test_fork();
	test_old_data();

	close(fd);
	for (int i = 0; i < 2; i++)
		if (loaded_here[i])
			um_unload_test_module(loaded_here[i]);
	ksft_exit();
}
