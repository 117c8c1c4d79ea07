/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * um_test.h - helpers for the /dev/unmapped selftests: raw ioctls, the
 * module's debugfs counters, /proc/meminfo and /proc/PID/pagemap.
 * Header-only, like ksft.h.
 */
#ifndef UNMAPPED_UM_TEST_H
#define UNMAPPED_UM_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/unmapped.h>

#include "ksft.h"

#define UM_STATS	"/sys/kernel/debug/unmapped/stats"
#define UM_PARAMS	"/sys/module/unmapped/parameters/"

static inline int um_open(void)
{
	int fd = open(UNMAPPED_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* ioctl() as 0 or -errno, the argument passed as is. */
static inline int um_raw_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* ioctl() with arg->size set from the command, as a correct caller does. */
#define um_ioctl(fd, cmd, arg) \
	((arg)->size = _IOC_SIZE(cmd), um_raw_ioctl(fd, cmd, arg))

static inline int um_alloc(int fd, uint64_t length, uint32_t flags,
			   uint32_t order, int32_t node,
			   struct unmapped_alloc *out)
{
	struct unmapped_alloc a = {
		.flags = flags, .length = length, .order = order, .node = node,
	};
	int err = um_ioctl(fd, UNMAPPED_IOC_ALLOC, &a);

	if (out)
		*out = a;
	return err;
}

static inline int um_free(int fd, uint64_t id)
{
	struct unmapped_free f = { .id = id };

	return um_ioctl(fd, UNMAPPED_IOC_FREE, &f);
}

static inline int um_query(int fd, struct unmapped_query *q)
{
	memset(q, 0, sizeof(*q));
	return um_ioctl(fd, UNMAPPED_IOC_QUERY, q);
}

static inline int um_region(int fd, uint64_t id, struct unmapped_region *r)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	return um_ioctl(fd, UNMAPPED_IOC_REGION, r);
}

/*
 * The number after @name in a "name value" or "Name: value" file (debugfs
 * stats, /proc/meminfo, /proc/PID/status), or -1.
 */
static inline long long um_file_value(const char *path, const char *name)
{
	char line[256], key[128];
	long long v, found = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127[^: \t]%*[: \t]%lld", key, &v) == 2 && !strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/*
 * The results of checks a child ran and reported as its exit status, bit i
 * set when check @desc[i] failed; a child that did not exit fails them all.
 */
static inline void um_report_bits(int status, const char *const *desc, int nr)
{
	int i, bits = WIFEXITED(status) ? WEXITSTATUS(status) : 0xff;

	if (!WIFEXITED(status))
		ksft_diag("child died: status %#x", status);
	for (i = 0; i < nr; i++)
		ksft_test(!(bits & (1 << i)), "%s", desc[i]);
}

/* The number in a file that holds just one (a module parameter), or -1. */
static inline long long um_read_number(const char *path)
{
	FILE *f = fopen(path, "re");
	long long v = -1;

	if (f && fscanf(f, "%lld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

/* A counter of the module's debugfs stats, or -1. */
static inline long long um_stat(const char *name)
{
	return um_file_value(UM_STATS, name);
}

/* Poll a counter until it equals @want (at most @ms); returns its value. */
static inline long long um_stat_wait(const char *name, long long want, int ms)
{
	long long v = um_stat(name);

	for (; v != want && ms > 0; ms -= 10) {
		usleep(10000);
		v = um_stat(name);
	}
	return v;
}

/* A /proc/meminfo value in kB, or -1. */
static inline long long um_meminfo_kb(const char *name)
{
	return um_file_value("/proc/meminfo", name);
}

/*
 * Every /proc/meminfo field at one moment, so that a free-memory check
 * that fails can say where the memory went, not only how much is missing.
 */
#define UM_MEMSNAP_MAX	96

struct um_memsnap {
	int nr;
	char name[UM_MEMSNAP_MAX][32];
	long long kb[UM_MEMSNAP_MAX];
};

static inline void um_memsnap_take(struct um_memsnap *s)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	s->nr = 0;
	while (f && s->nr < UM_MEMSNAP_MAX && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31[^:]: %lld", s->name[s->nr], &s->kb[s->nr]) == 2)
			s->nr++;
	if (f)
		fclose(f);
}

/*
 * The fields that moved by at least @min_kb since @before, as one line
 * ("MemFree -14704 AnonPages +2048 ..."), into @buf.
 */
static inline void um_memsnap_moved(const struct um_memsnap *before, long long min_kb,
				    char *buf, size_t size)
{
	struct um_memsnap now;
	size_t len = 0;

	buf[0] = 0;
	um_memsnap_take(&now);
	for (int i = 0; i < before->nr && len < size; i++)
		for (int j = 0; j < now.nr; j++) {
			long long d = now.kb[j] - before->kb[i];

			if (strcmp(now.name[j], before->name[i]))
				continue;
			if (d >= min_kb || d <= -min_kb)
				len += (size_t)snprintf(buf + len, size - len, " %s %+lld",
							before->name[i], d);
			break;
		}
	if (!buf[0])
		snprintf(buf, size, " none");
}

/* Pages on the per-CPU free lists (not counted in MemFree), in kB. */
static inline long long um_pcp_kb(void)
{
	char line[256];
	long long v, sum = 0;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &v) == 1)
			sum += v;
	fclose(f);
	return sum * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Write @what to @path: 0 or -errno. */
static inline int um_write_value(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Write @what to @path if it exists, saying so when the write fails. */
static inline void um_write_file(const char *path, const char *what)
{
	int err = um_write_value(path, what);

	if (err && err != -ENOENT)
		ksft_diag("%s: %s", path, strerror(-err));
}

/*
 * Free memory in kB, as steady as it gets: caches dropped, every slab
 * cache shrunk (SLUB's empty slabs and, on KASAN kernels, the quarantine),
 * the per-CPU vmstat deltas folded in (stat_refresh), and the pages parked
 * on per-CPU free lists (not in MemFree) counted, all from one pass over
 * /proc/zoneinfo: read as MemFree and then the lists, a per-CPU list of
 * several MiB can move between the two reads. Dropping caches runs
 * unmapped.ko's shrinker too: measure with the module unloaded.
 */
static inline long long um_free_kb(void)
{
	char line[256];
	long long v, pages = 0;
	FILE *f;

	DIR *slabs;

	sync();
	um_write_file("/proc/sys/vm/drop_caches", "3");
	/* What that and the test freed through RCU (run-selftests's free_kb). */
	um_write_file("/sys/kernel/debug/unmapped_dmcheck/cmd", "settle");
	slabs = opendir("/sys/kernel/slab");
	if (slabs) {
		struct dirent *d;
		char path[300];

		while ((d = readdir(slabs))) {
			int fd;

			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 d->d_name);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			/* Best effort: a cache that refuses keeps its pages. */
			if (write(fd, "1", 1) < 0)
				(void)0;
			close(fd);
		}
		closedir(slabs);
	}
	um_write_file("/proc/sys/vm/stat_refresh", "1");
	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %lld", &v) == 1 ||
		    sscanf(line, " count: %lld", &v) == 1)
			pages += v;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Splits of large direct mappings so far (2M->4K and 1G->2M, /proc/vmstat). */
static inline long long um_dm_splits(void)
{
	return um_file_value("/proc/vmstat", "direct_map_level2_splits") +
	       um_file_value("/proc/vmstat", "direct_map_level3_splits");
}

/*
 * How much less free memory (kB) may be left after a test than before it,
 * besides 4 KiB per direct-map split (the page table 6.1 keeps): the
 * kernel's own caches move by a few pages, nothing more. run-selftests
 * exports its UM_FREE_SLACK_KB; the default is the same as its own.
 */
static inline long long um_free_slack_kb(void)
{
	const char *s = getenv("UM_FREE_SLACK_KB");

	return s ? atoll(s) : 512;
}

/*
 * How much of Slab's growth since @slab0_kb such a check excuses: the
 * partly used slabs that hundreds of exited processes leave (no shrink
 * gives them back; unmapped.ko's pages are never slab), up to
 * UM_SLAB_SLACK_KB (run-selftests exports its own; 1024 by default).
 */
static inline long long um_slab_grown_kb(long long slab0_kb)
{
	const char *s = getenv("UM_SLAB_SLACK_KB");
	long long cap = s ? atoll(s) : 1024, g = um_meminfo_kb("Slab") - slab0_kb;

	return g < 0 ? 0 : g > cap ? cap : g;
}

/* Write a module parameter; 0 or -errno. */
static inline int um_set_param(const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), UM_PARAMS "%s", name);
	return um_write_value(path, value);
}

/*
 * PFNs behind [addr, addr + nr pages) of process @pid, from its pagemap
 * (root sees PFNs). Pages that are not present get 0. Returns 0 or -errno.
 */
static inline int um_pagemap(pid_t pid, unsigned long addr, size_t nr,
			     uint64_t *pfns)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, pfns, nr * 8, (off_t)(addr / page) * 8) != (ssize_t)(nr * 8)) {
		int err = errno ? -errno : -EIO;

		close(fd);
		return err;
	}
	close(fd);
	for (i = 0; i < nr; i++)
		pfns[i] = (pfns[i] >> 63) ? pfns[i] & ((1ULL << 55) - 1) : 0;
	return 0;
}

/*
 * PFNs behind [addr, addr + nr pages) of process @pid, read from its page
 * tables by the test module unmapped_pfnmap.ko (pagemap shows no pfns for
 * VM_PFNMAP mappings). 0 for a page no present PTE maps. Returns 0 or
 * -errno (-ENOENT: module not loaded).
 */
#define UM_PFNMAP_PTES	"/sys/kernel/debug/unmapped_pfnmap/ptes"

static inline int um_user_pfns(pid_t pid, unsigned long addr, size_t nr,
			       uint64_t *pfns)
{
	unsigned long long a, pfn;
	char line[128];
	size_t i = 0;
	int fd, err = 0;
	FILE *f;

	fd = open(UM_PFNMAP_PTES, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(line, sizeof(line), "%d %#lx %zu", (int)pid, addr, nr);
	if (write(fd, line, strlen(line)) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	f = fopen(UM_PFNMAP_PTES, "re");
	if (!f)
		return -errno;
	while (i < nr && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %llx", &a, &pfn) == 2)
			pfns[i++] = pfn;
		else if (sscanf(line, "%llx none", &a) == 1)
			pfns[i++] = 0;
	}
	fclose(f);
	return i == nr ? 0 : -EPROTO;
}

/*
 * Direct-map state of pfns, from the test module's kernel-side
 * lookup_address() (tests/kmod/unmapped_test.c, debugfs pfn_state):
 * for each of @nr pfns (in any order), present[i] = 1 if the direct map
 * maps it, 0 if not, -1 if it has no struct page. Consecutive pfns are
 * asked for in one go. Returns 0 or -errno (-ENOENT: module not loaded).
 */
#define UM_PFN_STATE	"/sys/kernel/debug/unmapped_test/pfn_state"

static inline int um_pfn_present(const uint64_t *pfns, size_t nr, int *present)
{
	size_t i = 0;

	while (i < nr) {
		unsigned long long pfn, first = pfns[i];
		size_t run = 1;
		char line[128], state[16];
		int got;
		FILE *f;
		int fd;

		while (i + run < nr && pfns[i + run] == first + run && run < (1u << 20))
			run++;
		fd = open(UM_PFN_STATE, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		snprintf(line, sizeof(line), "%llu %zu", first, run);
		got = write(fd, line, strlen(line)) < 0 ? -errno : 0;
		close(fd);
		if (got)
			return got;
		f = fopen(UM_PFN_STATE, "re");
		if (!f)
			return -errno;
		got = 0;
		while (fgets(line, sizeof(line), f) && got < (int)run) {
			int p;

			/* "0x1a2b present 0 level 2M" or "0x1a2b invalid" */
			if (sscanf(line, "%llx present %d", &pfn, &p) == 2)
				present[i + got++] = p;
			else if (sscanf(line, "%llx %15s", &pfn, state) == 2 &&
				 !strcmp(state, "invalid"))
				present[i + got++] = -1;
		}
		fclose(f);
		if (got != (int)run)
			return -EPROTO;
		i += run;
	}
	return 0;
}

/*
 * Load test module @name (tests/kmod, from $UM_MODDIR) unless @file, one of
 * its debugfs files, is there already. Returns true if it was loaded here
 * (the caller unloads it with um_unload_test_module()). The test modules
 * are built with unmapped.ko: one that does not load is a broken build,
 * so the test fails (ksft_exit_fail), it does not skip.
 */
#define UM_DMCHECK_CMD	"/sys/kernel/debug/unmapped_dmcheck/cmd"

static inline bool um_need_test_module(const char *name, const char *file)
{
	const char *dir = getenv("UM_MODDIR");
	char cmd[512];

	if (!access(file, W_OK))
		return false;
	snprintf(cmd, sizeof(cmd), "insmod %s/%s.ko", dir ? dir : "/opt/unmapped/modules", name);
	if (system(cmd) != 0 || access(file, W_OK))
		ksft_exit_fail("cannot load test module %s.ko (%s)", name, file);
	/*
	 * Its init sections are freed later, from a work item, and that
	 * vfree() may split the 2M direct mapping around them: wait for it
	 * (unmapped_dmcheck's settle), so that a test counting splits from
	 * here on does not count the insmod's.
	 */
	if (!access(UM_DMCHECK_CMD, W_OK))
		um_write_value(UM_DMCHECK_CMD, "settle");
	return true;
}

static inline void um_unload_test_module(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rmmod %s", name);
	if (system(cmd) != 0)
		ksft_diag("%s failed", cmd);
}

/*
 * One command of unmapped_test.ko (tests/kmod/unmapped_test.c documents
 * them): 0 or -errno. um_ut_key() reads a key of its result, or -1.
 */
#define UM_UT_CMD	"/sys/kernel/debug/unmapped_test/cmd"

static inline int um_ut_cmd(const char *cmd)
{
	return um_write_value(UM_UT_CMD, cmd);
}

static inline long long um_ut_key(const char *name)
{
	return um_file_value(UM_UT_CMD, name);
}

/* Send or receive one descriptor over a UNIX socket (SCM_RIGHTS); -1 on failure. */
static inline int um_send_fd(int sock, int fd)
{
	char c = 'f', buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static inline int um_recv_fd(int sock)
{
	char c, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

#endif /* UNMAPPED_UM_TEST_H */
