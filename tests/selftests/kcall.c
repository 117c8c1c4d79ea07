// SPDX-License-Identifier: GPL-2.0-only
/*
 * kcall - unmapped.ko calls the kernel's unexported functions only through
 * direct jumps, which IBT does not check (module/plat/linux/kcall.c).
 *
 * qemu's TCG implements no CET, so an IBT trap can never show here; what
 * can be shown is everything it depends on, read independently of the
 * module where the kernel offers a way:
 *  - every function the module reports (debugfs kernel_calls) is at the
 *    address /proc/kallsyms gives for that name;
 *  - the module's static call trampoline for it, read through /proc/kcore,
 *    is a JMP rel32 (e9) to exactly that address;
 *  - on a kernel built with CONFIG_X86_KERNEL_IBT, the targets are not
 *    valid targets of an indirect branch, as read through /proc/kcore:
 *    the kernel sealed (overwrote) the ENDBR of those whose address it
 *    never takes, and change_page_attr_set_clr(), static and only called
 *    directly, never had one. An indirect call to them would trap on IBT
 *    hardware, so the check above is the one that matters. Without IBT no
 *    function has an ENDBR.
 * The build has already checked (module/scripts/check-indirect-calls) that
 * no other indirect branch of the module can reach kernel text.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ksft.h"

#define KCALLS		"/sys/kernel/debug/unmapped/kernel_calls"
#define MAX_KCALLS	16

struct kcall {
	char name[64];
	uint64_t addr, tramp, target;
	char start[16];
};

static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
/* gen_endbr_poison(): 6.2 to 6.x "osp nopl (%rax)", 7.x "nopl -42(%rax)". */
static const uint8_t seals[][4] = {
	{ 0x66, 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0xd6 },
};

static int kcore_fd = -1;
static Elf64_Phdr *kcore_ph;
static unsigned int kcore_nph;

static int kcore_open(void)
{
	Elf64_Ehdr eh;

	kcore_fd = open("/proc/kcore", O_RDONLY);
	if (kcore_fd < 0)
		return -1;
	if (pread(kcore_fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr))
		return -1;
	kcore_nph = eh.e_phnum;
	kcore_ph = calloc(kcore_nph, sizeof(*kcore_ph));
	if (!kcore_ph)
		return -1;
	return pread(kcore_fd, kcore_ph, kcore_nph * sizeof(*kcore_ph), eh.e_phoff) ==
	       (ssize_t)(kcore_nph * sizeof(*kcore_ph)) ? 0 : -1;
}

/* Read @len bytes of kernel memory at @addr through /proc/kcore. */
static int kcore_read(uint64_t addr, void *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < kcore_nph; i++) {
		const Elf64_Phdr *p = &kcore_ph[i];

		if (p->p_type != PT_LOAD || addr < p->p_vaddr ||
		    addr + len > p->p_vaddr + p->p_memsz)
			continue;
		return pread(kcore_fd, buf, len, p->p_offset + (addr - p->p_vaddr)) ==
		       (ssize_t)len ? 0 : -1;
	}
	return -1;
}

/* The address /proc/kallsyms gives for the text symbol @name, or 0. */
static uint64_t kallsyms(const char *name)
{
	char line[512], sym[256], type;
	uint64_t addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, sym) == 3 &&
		    (type == 't' || type == 'T') && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

static const char *start_of(const uint8_t b[4])
{
	unsigned int i;

	if (!memcmp(b, endbr64, 4))
		return "endbr";
	for (i = 0; i < sizeof(seals) / sizeof(seals[0]); i++)
		if (!memcmp(b, seals[i], 4))
			return "sealed";
	return "no-endbr";
}

int main(void)
{
	struct kcall kc[MAX_KCALLS];
	unsigned int n = 0, i, sealed = 0;
	char line[256];
	int ibt = -1;
	FILE *f;

	ksft_plan(0);
	f = fopen(KCALLS, "r");
	if (!ksft_test(f != NULL, "unmapped.ko reports its kernel calls (%s)", KCALLS))
		ksft_exit();
	while (n < MAX_KCALLS && fgets(line, sizeof(line), f)) {
		struct kcall *k = &kc[n];

		if (sscanf(line, "ibt %d", &ibt) == 1)
			continue;
		if (sscanf(line, "%63s addr %" SCNx64 " tramp %" SCNx64 " target %" SCNx64 " start %15s",
			   k->name, &k->addr, &k->tramp, &k->target, k->start) == 5)
			n++;
	}
	fclose(f);
	ksft_test(ibt == 0 || ibt == 1, "the module says whether the kernel has IBT (%d)", ibt);
	if (!ksft_test(n >= 6, "it calls %u kernel functions (at least 6)", n))
		ksft_exit();
	if (!ksft_test(kcore_open() == 0, "/proc/kcore can be read"))
		ksft_exit();

	for (i = 0; i < n; i++) {
		const struct kcall *k = &kc[i];
		uint64_t sym = kallsyms(k->name), target = 0;
		uint8_t t[5], b[4];
		int32_t rel;

		ksft_test(sym && sym == k->addr, "%s: at the address kallsyms has (%#" PRIx64 ", kallsyms %#" PRIx64 ")",
			  k->name, k->addr, sym);
		if (kcore_read(k->tramp, t, sizeof(t)) == 0 && t[0] == 0xe9) {
			memcpy(&rel, t + 1, sizeof(rel));
			target = k->tramp + 5 + (int64_t)rel;
		}
		ksft_test(target && target == k->addr,
			  "%s: the static call trampoline at %#" PRIx64 " is a direct jmp to it (e9 -> %#" PRIx64 ")",
			  k->name, k->tramp, target);
		if (!ksft_test(kcore_read(k->addr, b, sizeof(b)) == 0, "%s: its first bytes can be read", k->name))
			continue;
		ksft_diag("%s starts with %02x %02x %02x %02x (%s)", k->name, b[0], b[1], b[2], b[3], start_of(b));
		ksft_test(!strcmp(start_of(b), k->start), "%s: the module sees the same start (%s)", k->name, k->start);
		if (ibt == 1) {
			if (!strcmp(start_of(b), "sealed"))
				sealed++;
			if (!strcmp(k->name, "change_page_attr_set_clr"))
				ksft_test(strcmp(start_of(b), "endbr"),
					  "change_page_attr_set_clr has no ENDBR (%s): an indirect call to it would trap",
					  start_of(b));
		} else {
			ksft_test(!strcmp(start_of(b), "no-endbr"), "%s: no IBT: no ENDBR", k->name);
		}
	}
	if (ibt == 1)
		ksft_test(sealed > 0, "the kernel sealed the ENDBR of %u of the %u targets at boot", sealed, n);
	ksft_exit();
}
