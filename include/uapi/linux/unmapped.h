/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * unmapped.h - userspace ABI of unmapped.ko: /dev/unmapped.
 *
 * A process opens /dev/unmapped, allocates regions of memory that are absent
 * from the kernel's direct map (UNMAPPED_IOC_ALLOC), maps them with mmap()
 * at the offset ALLOC returned, and frees them (UNMAPPED_IOC_FREE, or by
 * closing the file). Regions belong to the open file and to the process
 * (mm) that allocated them: another process holding the same file cannot
 * map or free them.
 *
 * Every ioctl argument starts with __u32 size = sizeof(the struct as the
 * caller knows it), so the ABI can grow: a larger struct from a newer
 * caller is accepted if the bytes the kernel does not know are zero; a
 * smaller one from an older caller is zero-extended (copy_struct_from_user).
 * Unknown flags are rejected with EINVAL.
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
};

/* UNMAPPED_IOC_ALLOC flags */
#define UNMAPPED_ALLOC_BLOCK	(1U << 0) /* one physically contiguous block
					   * of 2^order pages; length = 0 */
#define UNMAPPED_ALLOC_THISNODE	(1U << 1) /* only node @node, never another */

/*
 * UNMAPPED_IOC_ALLOC: a new region, zeroed. Memory is charged to the
 * caller's RLIMIT_MEMLOCK (as mlock() does; CAP_IPC_LOCK lifts the limit).
 * Errors: EINVAL (bad size, flags, length, order or node), EDQUOT
 * (RLIMIT_MEMLOCK would be exceeded), ENOSPC (the per-file cap would be
 * exceeded), ENOMEM (no memory).
 */
struct unmapped_alloc {
	__u32 size;		/* in */
	__u32 flags;		/* in: UNMAPPED_ALLOC_* */
	__u64 length;		/* in: bytes, a multiple of page_size; out: bytes */
	__u32 order;		/* in: with UNMAPPED_ALLOC_BLOCK */
	__s32 node;		/* in: node, or -1 for the caller's node */
	__u64 id;		/* out: region id (never 0) */
	__u64 offset;		/* out: mmap() offset of the region */
};

/* UNMAPPED_IOC_FREE: give a region back (see "Freeing" below). */
struct unmapped_free {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 id;		/* in */
};

/* UNMAPPED_IOC_REGION: where one region's memory came from. */
struct unmapped_region {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 id;		/* in */
	__u64 length;		/* out: bytes */
	__u64 offset;		/* out: mmap() offset */
	__u32 nr_blocks;	/* out: physically contiguous blocks */
	__u32 max_block_order;	/* out: order of the largest block */
	__s32 node;		/* out: node of the first block */
	__u32 mapped;		/* out: mappings of the region now */
};

/* UNMAPPED_IOC_QUERY: what this open file holds. */
struct unmapped_query {
	__u32 size;		/* in */
	__u32 flags;		/* in: 0 */
	__u64 regions;		/* out: regions with a live id */
	__u64 bytes;		/* out: their bytes */
	__u64 pending_bytes;	/* out: freed while mapped, not yet unmapped */
};

#define UNMAPPED_IOC_INFO	_IOWR(UNMAPPED_IOC_MAGIC, 0x00, struct unmapped_info)
#define UNMAPPED_IOC_ALLOC	_IOWR(UNMAPPED_IOC_MAGIC, 0x01, struct unmapped_alloc)
#define UNMAPPED_IOC_FREE	_IOWR(UNMAPPED_IOC_MAGIC, 0x02, struct unmapped_free)
#define UNMAPPED_IOC_REGION	_IOWR(UNMAPPED_IOC_MAGIC, 0x03, struct unmapped_region)
#define UNMAPPED_IOC_QUERY	_IOWR(UNMAPPED_IOC_MAGIC, 0x04, struct unmapped_query)

/*
 * Mapping: mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset)
 * with the region's full length and offset. MAP_PRIVATE and PROT_EXEC are
 * refused (EINVAL / EPERM). The mapping is of raw page frames: it is not
 * inherited by fork(), not in core dumps, and get_user_pages(),
 * /proc/PID/mem, process_vm_readv() and ptrace cannot reach it.
 *
 * Freeing: FREE releases the id at once. If the region is still mapped, its
 * pages stay mapped until the last mapping is gone, then return to the
 * cache (scrubbed); meanwhile QUERY reports them as pending_bytes. Closing
 * the file frees every region the same way.
 */

#endif /* _UAPI_LINUX_UNMAPPED_H */
