/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * unmapped.h - userspace ABI of unmapped.ko: /dev/unmapped.
 *
 * A process opens /dev/unmapped, allocates regions of memory that are absent
 * from the kernel's direct map (UNMAPPED_IOC_ALLOC), maps them with mmap()
 * at the offset ALLOC returned, and frees them (UNMAPPED_IOC_FREE, or by
 * closing the file). Regions belong to the open file and to the process
 * (mm) that allocated them: another process holding the same file cannot
 * map, query or free them; to it they do not exist (ENOENT, ENXIO).
 *
 * Every ioctl argument starts with __u32 size = sizeof(the struct as the
 * caller knows it), so the ABI can grow. The size must equal the one encoded
 * in the command number (_IOC_SIZE(cmd)) and be at least the first
 * version's (UNMAPPED_*_SIZE_VER0), else EINVAL. A larger struct from a
 * newer caller is accepted if the bytes the kernel does not know are zero
 * (else E2BIG); a smaller one from an older caller is zero-extended
 * (copy_struct_from_user). The kernel dispatches on _IOC_NR(cmd), so each
 * command keeps its number as its struct grows; an unknown number or
 * direction is ENOTTY. Unknown flags are rejected with EINVAL. A bad
 * pointer is EFAULT. Only 64-bit processes are served (no compat ioctl).
 */
#ifndef _UAPI_LINUX_UNMAPPED_H
#define _UAPI_LINUX_UNMAPPED_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define UNMAPPED_DEVICE		"/dev/unmapped"
#define UNMAPPED_ABI_VERSION	1

/* 0xB9 is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define UNMAPPED_IOC_MAGIC	0xB9

/* Direct-map backends (module parameter "backend"). */
enum unmapped_backend {
	UNMAPPED_BACKEND_RANGE = 0,	/* whole blocks, one CPA call */
	UNMAPPED_BACKEND_PAGE = 1,	/* per-page set_direct_map_* */
};

/* UNMAPPED_IOC_INFO: what this module offers. */
struct unmapped_info {
	__u32 size;		/* in */
	__u32 abi_version;	/* UNMAPPED_ABI_VERSION */
	__u32 page_size;
	__u32 max_order;	/* largest block order ALLOC serves */
	__u32 backend;		/* enum unmapped_backend for new blocks */
	__u32 nr_nodes;		/* node ids are 0 .. nr_nodes - 1 */
	__u64 max_file_bytes;	/* per-open-file cap, 0 = none */
	__u64 max_region_bytes;	/* largest length ALLOC accepts */
};
#define UNMAPPED_INFO_SIZE_VER0		40

/* UNMAPPED_IOC_ALLOC flags */
/* One physically contiguous block of 2^order pages; length must be 0. */
#define UNMAPPED_ALLOC_BLOCK	(1U << 0)
/* Only node @node, never another. */
#define UNMAPPED_ALLOC_THISNODE	(1U << 1)

/*
 * UNMAPPED_IOC_ALLOC: a new region, zeroed. Without UNMAPPED_ALLOC_BLOCK the
 * region is built from the largest blocks available (up to max_order),
 * falling back to smaller ones; order must be 0.
 *
 * Memory is charged like io_uring's registered buffers: to the calling
 * user's locked memory (the counter memfd_secret() also charges), limited by
 * the caller's RLIMIT_MEMLOCK, and shown as VmPin of the allocating process;
 * CAP_IPC_LOCK lifts the limit (and the charge). The charge lasts until the
 * pages are back in the cache.
 *
 * Errors: EINVAL (bad size, flags, length, order or node), EDQUOT
 * (RLIMIT_MEMLOCK would be exceeded), ENOSPC (the per-file cap would be
 * exceeded, or the file has no free region id), ENOMEM (no memory),
 * EINTR (a signal arrived; nothing is left allocated: try again).
 */
struct unmapped_alloc {
	__u32 size;		/* in */
	__u32 flags;		/* in: UNMAPPED_ALLOC_* */
	__u64 length;		/* in: bytes, a multiple of page_size; out: bytes */
	__u32 order;		/* in: with UNMAPPED_ALLOC_BLOCK, else 0 */
	__s32 node;		/* in: node, or -1 for the caller's node */
	__u64 id;		/* out: region id (never 0) */
	__u64 offset;		/* out: mmap() offset of the region */
};
#define UNMAPPED_ALLOC_SIZE_VER0	40

/*
 * UNMAPPED_IOC_FREE: give a region back (see "Freeing" below).
 * Errors: ENOENT (no region @id of this file and process).
 */
struct unmapped_free {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 id;		/* in */
};
#define UNMAPPED_FREE_SIZE_VER0		16

/*
 * UNMAPPED_IOC_REGION: where one region's memory came from.
 * Errors: ENOENT (no region @id of this file and process).
 */
struct unmapped_region {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 id;		/* in */
	__u64 length;		/* out: bytes */
	__u64 offset;		/* out: mmap() offset */
	__u32 nr_blocks;	/* out: physically contiguous blocks */
	__u32 max_block_order;	/* out: order of the largest block */
	__s32 node;		/* out: node of the first block */
	__u32 mapped;		/* out: mappings (VMAs) of the region now */
	/*
	 * out: lowest page frame and one past the highest; both 0 without
	 * CAP_SYS_ADMIN (as in /proc/PID/pagemap).
	 */
	__u64 min_pfn;
	__u64 end_pfn;
};
#define UNMAPPED_REGION_SIZE_VER0	64

/* UNMAPPED_IOC_QUERY: what this open file holds, for all its processes. */
struct unmapped_query {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 regions;		/* out: regions with a live id */
	__u64 bytes;		/* out: their bytes */
	__u64 pending_bytes;	/* out: freed while mapped, not yet unmapped */
};
#define UNMAPPED_QUERY_SIZE_VER0	32

#define UNMAPPED_IOC_INFO	_IOWR(UNMAPPED_IOC_MAGIC, 0x00, struct unmapped_info)
#define UNMAPPED_IOC_ALLOC	_IOWR(UNMAPPED_IOC_MAGIC, 0x01, struct unmapped_alloc)
#define UNMAPPED_IOC_FREE	_IOWR(UNMAPPED_IOC_MAGIC, 0x02, struct unmapped_free)
#define UNMAPPED_IOC_REGION	_IOWR(UNMAPPED_IOC_MAGIC, 0x03, struct unmapped_region)
#define UNMAPPED_IOC_QUERY	_IOWR(UNMAPPED_IOC_MAGIC, 0x04, struct unmapped_query)

/*
 * Mapping: mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset)
 * with the region's full length and offset (an opaque, page-aligned value).
 * Errors: ENXIO (no region of this process at @offset: never allocated,
 * freed, or another process's), EINVAL (length is not the region's,
 * MAP_PRIVATE), EPERM (PROT_EXEC; mprotect() cannot add it later either).
 * A region may be mapped more than once. The mapping is of raw page frames:
 * it is not inherited by fork(), not in core dumps, cannot be mlock()ed,
 * madvise()d away or grown by mremap(), and get_user_pages() (O_DIRECT,
 * vmsplice, RDMA), /proc/PID/mem, process_vm_readv() and ptrace cannot
 * reach it. Only the owning process's own loads and stores (and the kernel
 * copying to or from it on that process's behalf, as for read(2) into it)
 * touch the memory.
 *
 * Freeing: FREE releases the id at once. If the region is still mapped, its
 * pages stay mapped until the last mapping is gone, then return to the
 * cache (scrubbed); meanwhile QUERY reports them as pending_bytes. Closing
 * the file frees every region the same way, and so does the exit of the
 * process that allocated a region, even if another process still holds the
 * file. A file's mappings keep it open, so after the last close and the
 * last munmap (or process exit) every page is back in the cache.
 */

#endif /* _UAPI_LINUX_UNMAPPED_H */
