// SPDX-License-Identifier: GPL-2.0-only
/*
 * kcore_scrub - reading /proc/kcore over the scrub windows is harmless.
 *
 * Pages are zeroed while unmapped through per-CPU windows in a vmalloc area
 * (module/plat/linux/platform_scrub.c). /proc/kcore reads the vmalloc range with
 * vread(), which on 6.1 copies each page through its direct-map address: a
 * read that met a window while it mapped an unmapped page would fault in
 * the kernel. The area is VM_IOREMAP, which vread() treats as a hole.
 *
 * Checks: /proc/vmallocinfo lists the area as ioremap; then for
 * UM_KCORE_SECS (10) s a child on CPU 1 allocates, dirties and frees 2 MiB
 * regions through /dev/unmapped (every allocation scrubs, on CPU 1) while
 * this process on CPU 0 reads the whole area through /proc/kcore without
 * pause: every read succeeds and returns zeros. An oops ends the run (the
 * runner fails the test on it).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/ksft.h"
#include "lib/um_test.h"

#define SCRUB_INFO	"/sys/kernel/debug/unmapped/scrub"
#define REGION		(2UL << 20)

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Allocate, dirty and free 2 MiB regions until killed. */
static void churn(void)
{
	int fd = um_open();

	if (fd < 0 || pin(1))
		_exit(2);
	for (;;) {
		struct unmapped_alloc a;
		void *p;

		if (um_alloc(fd, REGION, 0, 0, -1, &a))
			_exit(3);
		p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
		if (p == MAP_FAILED)
			_exit(4);
		memset(p, 0xa5, REGION);
		munmap(p, REGION);
		if (um_free(fd, a.id))
			_exit(5);
	}
}

/* The file offset of kernel address @addr in /proc/kcore, or -1. */
static off_t kcore_offset(int fd, uint64_t addr, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return -1;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			return -1;
		if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr + len <= ph.p_vaddr + ph.p_memsz)
			return ph.p_offset + (addr - ph.p_vaddr);
	}
	return -1;
}

int main(void)
{
	uint64_t area = 0;
	unsigned int pages = 0;
	char line[512], want[32];
	bool listed = false, ioremap = false;
	unsigned long reads = 0, bad_reads = 0, nonzero = 0;
	long long scrubbed;
	int secs = getenv("UM_KCORE_SECS") ? atoi(getenv("UM_KCORE_SECS")) : 10;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	time_t end;
	size_t len;
	off_t off;
	char *buf;
	pid_t child;
	int fd, status;
	FILE *f;

	ksft_plan(0);
	f = fopen(SCRUB_INFO, "r");
	if (f && fscanf(f, "area %" SCNx64 " pages %u", &area, &pages) != 2)
		area = 0;
	if (f)
		fclose(f);
	ksft_test(area && pages, "unmapped.ko reports its scrub windows' area (%u pages at %#" PRIx64 ")",
		  pages, area);
	if (!area || !pages)
		ksft_exit();

	/* vmallocinfo: "0xSTART-0xEND SIZE caller ... vmap ioremap". */
	snprintf(want, sizeof(want), "0x%" PRIx64 "-", area);
	f = fopen("/proc/vmallocinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		listed = true;
		ioremap = strstr(line, " ioremap") != NULL;
		ksft_diag("%s", strtok(line, "\n"));
	}
	if (f)
		fclose(f);
	ksft_test(listed, "the area is in /proc/vmallocinfo");
	ksft_test(ioremap, "it is an ioremap area, which vread() (/proc/kcore) reads as a hole");

	len = (size_t)pages * 4096;
	fd = open("/proc/kcore", O_RDONLY);
	off = fd >= 0 ? kcore_offset(fd, area, len) : -1;
	if (!ksft_test(off >= 0, "/proc/kcore maps the area"))
		ksft_exit();
	buf = malloc(len);
	if (!buf)
		ksft_exit_fail("no memory for a %zu-byte buffer", len);

	setrlimit(RLIMIT_MEMLOCK, &rl);
	scrubbed = um_stat("scrubbed_pages");
	child = fork();
	if (child == 0)
		churn();
	pin(0);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		size_t i;

		reads++;
		if (pread(fd, buf, len, off) != (ssize_t)len) {
			bad_reads++;
			continue;
		}
		for (i = 0; i < len; i++)
			nonzero += buf[i] != 0;
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	scrubbed = um_stat("scrubbed_pages") - scrubbed;
	ksft_diag("%lu reads of the %zu-byte area while a child scrubbed", reads, len);
	ksft_test(scrubbed > 0, "pages were scrubbed meanwhile (%lld)", scrubbed);
	ksft_test(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "the scrubbing child ran until stopped (%s %d)",
		  WIFEXITED(status) ? "exit" : "signal",
		  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	ksft_test(reads > 0 && !bad_reads, "every read succeeded (%lu of %lu failed)", bad_reads, reads);
	ksft_test(!nonzero, "every read returned zeros (%lu bytes were not)", nonzero);
	free(buf);
	close(fd);
	ksft_exit();
}
