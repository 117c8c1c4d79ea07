// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_bad_input - every ioctl and mmap of /dev/unmapped with what a
 * confused or hostile caller sends: wrong sizes, unknown commands and
 * flags, misaligned and huge values, ids that do not exist, bad mmap
 * offsets, lengths and protections, and the operations a PFN mapping must
 * refuse afterwards. Each gets the documented errno (uapi/linux/unmapped.h);
 * the runner fails the test on any kernel warning.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define MiB		(1UL << 20)

static int fd;

static bool expect(int got, int want, const char *what)
{
	if (got == want)
		return ksft_test(true, "%s: %s", what, want ? strerror(-want) : "ok");
	return ksft_test(false, "%s: got %d (%s), want %d (%s)", what, got,
			 got ? strerror(-got) : "ok", want,
			 want ? strerror(-want) : "ok");
}

/* A command like @cmd but whose encoded size is @size. */
static unsigned long resized(unsigned long cmd, unsigned int size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

struct cmd {
	const char *name;
	unsigned long cmd;
	unsigned int ver0;
};

static const struct cmd cmds[] = {
	{ "INFO", UNMAPPED_IOC_INFO, UNMAPPED_INFO_SIZE_VER0 },
	{ "ALLOC", UNMAPPED_IOC_ALLOC, UNMAPPED_ALLOC_SIZE_VER0 },
	{ "FREE", UNMAPPED_IOC_FREE, UNMAPPED_FREE_SIZE_VER0 },
	{ "REGION", UNMAPPED_IOC_REGION, UNMAPPED_REGION_SIZE_VER0 },
	{ "QUERY", UNMAPPED_IOC_QUERY, UNMAPPED_QUERY_SIZE_VER0 },
	{ "SECRET", UNMAPPED_IOC_SECRET, UNMAPPED_SECRET_SIZE_VER0 },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* 6 tests per command. */
static void test_sizes(const struct cmd *c)
{
	uint8_t buf[256] = { 0 };
	uint32_t *size = (uint32_t *)buf;
	char what[96];

	*size = 0;
	snprintf(what, sizeof(what), "%s with size 0", c->name);
	expect(um_raw_ioctl(fd, resized(c->cmd, 0), buf), -EINVAL, what);

	*size = c->ver0 - 8;
	snprintf(what, sizeof(what), "%s smaller than its first version", c->name);
	expect(um_raw_ioctl(fd, resized(c->cmd, c->ver0 - 8), buf), -EINVAL, what);

	/* Against the struct as this header knows it, which may have grown. */
	*size = _IOC_SIZE(c->cmd) + 8;
	snprintf(what, sizeof(what), "%s size field differs from the command's", c->name);
	expect(um_raw_ioctl(fd, c->cmd, buf), -EINVAL, what);

	*size = _IOC_SIZE(c->cmd) + 16;
	buf[_IOC_SIZE(c->cmd) + 3] = 1;
	snprintf(what, sizeof(what), "%s larger, unknown tail not zero", c->name);
	expect(um_raw_ioctl(fd, resized(c->cmd, _IOC_SIZE(c->cmd) + 16), buf), -E2BIG, what);

	snprintf(what, sizeof(what), "%s with a NULL argument", c->name);
	expect(um_raw_ioctl(fd, c->cmd, NULL), -EFAULT, what);

	snprintf(what, sizeof(what), "%s with an unmapped argument", c->name);
	expect(um_raw_ioctl(fd, c->cmd, (void *)16), -EFAULT, what);
}

static void test_growth(void)
{
	struct {
		struct unmapped_info info;
		uint64_t future[2];
	} big = { .info.size = sizeof(big) };
	struct {
		struct unmapped_query q;
		uint64_t future;
	} bq = { .q.size = sizeof(bq) };

	expect(um_raw_ioctl(fd, resized(UNMAPPED_IOC_INFO, sizeof(big)), &big), 0,
	       "INFO larger with a zero tail is accepted");
	ksft_test(big.info.abi_version == UNMAPPED_ABI_VERSION && !big.future[0] &&
		  !big.future[1], "INFO larger: known fields set, tail left zero");
	expect(um_raw_ioctl(fd, resized(UNMAPPED_IOC_QUERY, sizeof(bq)), &bq), 0,
	       "QUERY larger with a zero tail is accepted");
}

/* A caller built before INFO grew (VER0) is served, and nothing past it. */
static void test_old_caller(void)
{
	struct {
		struct unmapped_info info;
		uint64_t canary;
	} old;

	memset(&old, 0, sizeof(old));
	old.info.size = UNMAPPED_INFO_SIZE_VER0;
	old.info.features = 0x5a5a5a5a5a5a5a5aULL;
	expect(um_raw_ioctl(fd, resized(UNMAPPED_IOC_INFO, UNMAPPED_INFO_SIZE_VER0), &old), 0,
	       "INFO of the first version (40 bytes) is accepted");
	ksft_test(old.info.abi_version == UNMAPPED_ABI_VERSION && old.info.page_size == PAGE &&
		  old.info.features == 0x5a5a5a5a5a5a5a5aULL,
		  "INFO of the first version: its fields set, features (past its size) untouched");
}

static void test_commands(void)
{
	struct unmapped_info info = { .size = sizeof(info) };

	expect(um_raw_ioctl(fd, _IOWR(UNMAPPED_IOC_MAGIC, 0x06, struct unmapped_info), &info),
	       -ENOTTY, "unknown command number 0x06");
	expect(um_raw_ioctl(fd, _IOWR(UNMAPPED_IOC_MAGIC, 0xff, struct unmapped_info), &info),
	       -ENOTTY, "unknown command number 0xff");
	expect(um_raw_ioctl(fd, _IOWR('x', 0x00, struct unmapped_info), &info),
	       -ENOTTY, "INFO number with another magic");
	expect(um_raw_ioctl(fd, _IOR(UNMAPPED_IOC_MAGIC, 0x00, struct unmapped_info), &info),
	       -ENOTTY, "INFO number, read-only direction");
	expect(um_raw_ioctl(fd, _IO(UNMAPPED_IOC_MAGIC, 0x00), NULL), -ENOTTY,
	       "INFO number, no argument");
	expect(um_raw_ioctl(fd, TCGETS, &info), -ENOTTY, "a tty ioctl (TCGETS)");
}

static void test_info(void)
{
	struct unmapped_info info;

	memset(&info, 0, sizeof(info));
	expect(um_ioctl(fd, UNMAPPED_IOC_INFO, &info), 0, "INFO");
	ksft_test(info.abi_version == UNMAPPED_ABI_VERSION && info.page_size == PAGE &&
		  info.max_order == 10 && info.nr_nodes >= 1 &&
		  info.max_region_bytes == 1ULL << 40 &&
		  info.features == UNMAPPED_FEATURE_SECRET,
		  "INFO: abi %u, page %u, max order %u, %u node(s), max region %llu, features %#llx",
		  info.abi_version, info.page_size, info.max_order, info.nr_nodes,
		  (unsigned long long)info.max_region_bytes,
		  (unsigned long long)info.features);
}

static void test_alloc(void)
{
	struct unmapped_alloc a;
	uint64_t len;

	expect(um_alloc(fd, PAGE, 1U << 2, 0, -1, NULL), -EINVAL, "ALLOC unknown flag bit 2");
	expect(um_alloc(fd, PAGE, 1U << 31, 0, -1, NULL), -EINVAL, "ALLOC unknown flag bit 31");
	expect(um_alloc(fd, 0, 0, 0, -1, NULL), -EINVAL, "ALLOC length 0");
	expect(um_alloc(fd, 1, 0, 0, -1, NULL), -EINVAL, "ALLOC length 1");
	expect(um_alloc(fd, PAGE - 1, 0, 0, -1, NULL), -EINVAL, "ALLOC length 4095");
	expect(um_alloc(fd, PAGE + 1, 0, 0, -1, NULL), -EINVAL, "ALLOC length 4097");
	expect(um_alloc(fd, (1ULL << 40) + PAGE, 0, 0, -1, NULL), -EINVAL,
	       "ALLOC length 1 TiB + 4 KiB (above max_region_bytes)");
	expect(um_alloc(fd, 1ULL << 63, 0, 0, -1, NULL), -EINVAL, "ALLOC length 2^63");
	expect(um_alloc(fd, UINT64_MAX & ~(PAGE - 1), 0, 0, -1, NULL), -EINVAL,
	       "ALLOC length 2^64 - 4 KiB");
	/* Within the ABI but more than the VM has: refused before reclaim. */
	expect(um_alloc(fd, 1ULL << 40, 0, 0, -1, NULL), -ENOMEM,
	       "ALLOC length 1 TiB (more than all RAM)");
	expect(um_alloc(fd, PAGE, 0, 1, -1, NULL), -EINVAL, "ALLOC order without BLOCK");
	expect(um_alloc(fd, PAGE, UNMAPPED_ALLOC_BLOCK, 0, -1, NULL), -EINVAL,
	       "ALLOC BLOCK with a length");
	expect(um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK, 11, -1, NULL), -EINVAL,
	       "ALLOC BLOCK order 11 (above max_order)");
	expect(um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK, 64, -1, NULL), -EINVAL,
	       "ALLOC BLOCK order 64");
	expect(um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK, UINT32_MAX, -1, NULL), -EINVAL,
	       "ALLOC BLOCK order 2^32 - 1");
	expect(um_alloc(fd, PAGE, 0, 0, 4096, NULL), -EINVAL, "ALLOC node 4096");
	expect(um_alloc(fd, PAGE, 0, 0, INT32_MAX, NULL), -EINVAL, "ALLOC node INT32_MAX");
	expect(um_alloc(fd, PAGE, 0, 0, -2, NULL), -EINVAL, "ALLOC node -2");
	expect(um_alloc(fd, PAGE, 0, 0, INT32_MIN, NULL), -EINVAL, "ALLOC node INT32_MIN");

	memset(&a, 0, sizeof(a));
	expect(um_alloc(fd, 0, UNMAPPED_ALLOC_BLOCK | UNMAPPED_ALLOC_THISNODE, 9, 0, &a), 0,
	       "ALLOC BLOCK order 9 on node 0 only");
	ksft_test(a.id && a.length == 512 * PAGE && a.offset && !(a.offset % PAGE),
		  "ALLOC answer: id %llu, length %llu, offset %#llx",
		  (unsigned long long)a.id, (unsigned long long)a.length,
		  (unsigned long long)a.offset);
	expect(um_free(fd, a.id), 0, "FREE it");

	len = 3 * MiB + 5 * PAGE;
	expect(um_alloc(fd, len, 0, 0, -1, &a), 0, "ALLOC 3 MiB + 20 KiB");
	ksft_test(a.length == len, "ALLOC length echoed (%llu)", (unsigned long long)a.length);
	expect(um_free(fd, a.id), 0, "FREE it");
}

static void test_free_region_query(void)
{
	struct unmapped_free fr = { .id = 0 };
	struct unmapped_region rg;
	struct unmapped_query q;
	struct unmapped_alloc a;

	if (um_alloc(fd, 2 * MiB + PAGE, 0, 0, -1, &a)) {
		ksft_test(false, "ALLOC for the FREE/REGION/QUERY tests");
		return;
	}

	fr.id = a.id;
	fr.flags = 1;
	expect(um_ioctl(fd, UNMAPPED_IOC_FREE, &fr), -EINVAL, "FREE with flags 1");
	expect(um_region(fd, a.id, &rg), 0, "... and the region is still there");
	expect(um_free(fd, 0), -ENOENT, "FREE id 0");
	expect(um_free(fd, a.id + 1000), -ENOENT, "FREE an id never handed out");
	expect(um_free(fd, UINT64_MAX), -ENOENT, "FREE id 2^64 - 1");
	expect(um_free(fd, a.id + (1ULL << 32)), -ENOENT, "FREE id + 2^32 (no truncation)");

	ksft_test(rg.id == a.id && rg.length == a.length && rg.offset == a.offset &&
		  rg.nr_blocks >= 2 && rg.mapped == 0 && rg.node == 0 &&
		  rg.end_pfn - rg.min_pfn >= a.length / PAGE,
		  "REGION: %u blocks, largest order %u, node %d, mapped %u, pfns %#llx-%#llx",
		  rg.nr_blocks, rg.max_block_order, rg.node, rg.mapped,
		  (unsigned long long)rg.min_pfn, (unsigned long long)rg.end_pfn);
	memset(&rg, 0, sizeof(rg));
	rg.id = a.id;
	rg.flags = 2;
	expect(um_ioctl(fd, UNMAPPED_IOC_REGION, &rg), -EINVAL, "REGION with flags 2");
	expect(um_region(fd, a.id + 1000, &rg), -ENOENT, "REGION of an id never handed out");
	expect(um_region(fd, a.id + (1ULL << 32), &rg), -ENOENT, "REGION id + 2^32");

	memset(&q, 0, sizeof(q));
	q.flags = 1;
	expect(um_ioctl(fd, UNMAPPED_IOC_QUERY, &q), -EINVAL, "QUERY with flags 1");
	expect(um_query(fd, &q), 0, "QUERY");
	ksft_test(q.regions == 1 && q.bytes == a.length && q.pending_bytes == 0,
		  "QUERY: %llu region, %llu bytes, %llu pending",
		  (unsigned long long)q.regions, (unsigned long long)q.bytes,
		  (unsigned long long)q.pending_bytes);

	expect(um_free(fd, a.id), 0, "FREE");
	expect(um_free(fd, a.id), -ENOENT, "FREE again (double free)");
	expect(um_region(fd, a.id, &rg), -ENOENT, "REGION after FREE");
	um_query(fd, &q);
	ksft_test(q.regions == 0 && q.bytes == 0, "QUERY after FREE: nothing left");
}

static int mmap_err(size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

/* Does @flags (a VmFlags line) hold the two-letter flag @f? */
static bool has_vmflag(const char *flags, const char *f)
{
	char pat[4] = { ' ', f[0], f[1], 0 };

	return strstr(flags, pat) != NULL;
}

/* @want: flags the VMA at @addr must have; @refuse: must not ("xx yy"). */
static bool vmflags_check(void *addr, const char *want, const char *refuse)
{
	char line[256], flags[256] = "";
	unsigned long start, end;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* Only a VMA's first line parses as "start-end". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start == (unsigned long)addr;
		else if (in && !strncmp(line, "VmFlags:", 8))
			snprintf(flags, sizeof(flags), "%s", line + 8);
	}
	fclose(f);
	flags[strcspn(flags, "\n")] = 0;
	ksft_diag("VmFlags:%s", flags);
	for (; *want; want += want[2] ? 3 : 2)
		if (!has_vmflag(flags, want))
			return false;
	for (; *refuse; refuse += refuse[2] ? 3 : 2)
		if (has_vmflag(flags, refuse))
			return false;
	return true;
}

static void test_mmap(void)
{
	const size_t len = 4 * MiB;
	struct unmapped_alloc a, b;
	unsigned char *p;
	void *q;
	size_t i;
	bool zero = true;

	if (um_alloc(fd, len, 0, 0, -1, &a) || um_alloc(fd, PAGE, 0, 0, -1, &b)) {
		ksft_test(false, "ALLOC for the mmap tests");
		return;
	}
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_SHARED, 0), -ENXIO,
	       "mmap offset 0 (no region 0)");
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_SHARED, a.offset + PAGE), -ENXIO,
	       "mmap offset inside a region");
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_SHARED, b.offset + (b.offset - a.offset)),
	       -ENXIO, "mmap offset of an id not handed out");
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_SHARED, a.offset + 1), -EINVAL,
	       "mmap offset not page aligned");
	expect(mmap_err(len - PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a.offset), -EINVAL,
	       "mmap shorter than the region");
	expect(mmap_err(len + PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a.offset), -EINVAL,
	       "mmap longer than the region");
	expect(mmap_err(len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, a.offset), -EPERM,
	       "mmap PROT_EXEC");
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, a.offset), -EINVAL,
	       "mmap MAP_PRIVATE");
	expect(mmap_err(len, PROT_READ, MAP_PRIVATE, a.offset), -EINVAL,
	       "mmap MAP_PRIVATE read-only");

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
	if (!ksft_test(p != MAP_FAILED, "mmap the region")) {
		um_free(fd, a.id);
		um_free(fd, b.id);
		return;
	}
	for (i = 0; i < len; i++)
		zero &= !p[i];
	memset(p, 0x5a, len);
	ksft_test(zero && p[len - 1] == 0x5a, "region arrives zeroed and takes writes");
	ksft_test(vmflags_check(p, "rd wr sh io pf dc de dd", "ex me"),
		  "VMA is io, pfnmap, dontcopy, dontexpand, dontdump; no exec, no mayexec");
	expect(mprotect(p, len, PROT_READ | PROT_EXEC) ? -errno : 0, -EACCES,
	       "mprotect PROT_EXEC");
	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	expect(q == MAP_FAILED ? -errno : 0, -EFAULT, "mremap to grow");
	expect(madvise(p, len, MADV_DONTNEED) ? -errno : 0, -EINVAL, "MADV_DONTNEED");
	expect(madvise(p, len, MADV_DOFORK) ? -errno : 0, -EINVAL, "MADV_DOFORK");
	expect(madvise(p, len, MADV_DODUMP) ? -errno : 0, -EINVAL, "MADV_DODUMP");
	ksft_test(p[0] == 0x5a && p[len - 1] == 0x5a, "contents intact after the refusals");
	munmap(p, len);

	expect(um_free(fd, a.id), 0, "FREE");
	expect(mmap_err(len, PROT_READ | PROT_WRITE, MAP_SHARED, a.offset), -ENXIO,
	       "mmap after FREE");
	um_free(fd, b.id);
}

/* The device is root's by default (module parameter dev_mode=0600). */
static void test_permissions(void)
{
	struct stat st = { 0 };
	int status, err;
	pid_t pid;

	err = stat(UNMAPPED_DEVICE, &st);
	ksft_test(!err && S_ISCHR(st.st_mode) &&
		  (st.st_mode & 07777) == 0600 && st.st_uid == 0,
		  UNMAPPED_DEVICE " is a character device, mode 0600, owned by root (%o)",
		  st.st_mode & 07777);
	pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(um_open() == -EACCES ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ksft_test(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "an unprivileged user cannot open it (EACCES)");
}

int main(void)
{
	size_t i;

	fd = um_open();
	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));

	ksft_plan(0);
	for (i = 0; i < NR_CMDS; i++)
		test_sizes(&cmds[i]);
	test_growth();
	test_old_caller();
	test_commands();
	test_info();
	test_alloc();
	test_free_region_query();
	test_mmap();
	test_permissions();
	close(fd);
	ksft_exit();
}
