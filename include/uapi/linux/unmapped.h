/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * unmapped.h - userspace ABI of unmapped.ko: /dev/unmapped (ioctls, mmap)
 * and the generic netlink family "unmapped" (statistics, events; below).
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
 *
 * Compatibility: the ABI only grows. UNMAPPED_ABI_VERSION is 1 and stays 1
 * (as KVM's API version stays 12): structs grow at their end, as above, and
 * what a module offers beyond the first version is announced by a bit in
 * unmapped_info.features, which a caller tests instead of comparing
 * versions. A module older than the features field leaves it 0 (it fills
 * what it knows of a longer struct). Feature bits a caller does not know
 * are to be ignored.
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

/* unmapped_info.features: what a module offers beyond the first ABI. */
/* UNMAPPED_IOC_SECRET: secret files (0.3; a 0.3 module announces nothing). */
#define UNMAPPED_FEATURE_SECRET		(1ULL << 0)

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
	__u64 features;		/* UNMAPPED_FEATURE_* (VER1) */
};
#define UNMAPPED_INFO_SIZE_VER0		40
#define UNMAPPED_INFO_SIZE_VER1		48

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
 * user's locked memory (summed over all of the user's processes), limited
 * by the caller's RLIMIT_MEMLOCK, and shown as VmPin of the allocating
 * process; CAP_IPC_LOCK lifts the limit (and the charge). The charge lasts
 * until the pages are back in the cache. (memfd_secret() charges the same
 * user count, but page by page as they are first touched and with no
 * CAP_IPC_LOCK exemption; UNMAPPED_IOC_SECRET's files do as it does.)
 *
 * A region is made of at most UNMAPPED_MAX_REGION_BLOCKS blocks. Regions
 * of up to max_region_bytes never need that many unless memory is so
 * fragmented that only blocks below 2 MiB are left; then ALLOC fails with
 * EFBIG rather than build a region of countless 4 KiB pieces (a shorter
 * length, or several regions, may still succeed).
 *
 * Node -1 is the node with memory nearest the calling CPU: its own unless
 * it has none (a CPU-only NUMA node).
 *
 * Errors: EINVAL (bad size, flags, length, order or node), EDQUOT
 * (RLIMIT_MEMLOCK would be exceeded), ENOSPC (the per-file cap would be
 * exceeded, or the file has no free region id), EFBIG (the region would
 * need more than UNMAPPED_MAX_REGION_BLOCKS blocks), ENOMEM (no memory),
 * EINTR (a fatal signal arrived: the caller is being killed; other
 * signals do not interrupt an allocation). On any error nothing is
 * allocated and nothing is charged.
 */
#define UNMAPPED_MAX_REGION_BLOCKS	(1U << 20)

struct unmapped_alloc {
	__u32 size;		/* in */
	__u32 flags;		/* in: UNMAPPED_ALLOC_* */
	__u64 length;		/* in: bytes, a multiple of page_size; out: bytes */
	__u32 order;		/* in: with UNMAPPED_ALLOC_BLOCK, else 0 */
	__s32 node;		/* in: node, or -1: nearest with memory */
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

/*
 * UNMAPPED_IOC_SECRET: a new secret file, memfd_secret(2) served from the
 * cache. The new descriptor is the ioctl's return value and is also
 * written to @fd. flags: O_CLOEXEC or 0; anything else is EINVAL.
 *
 * The file behaves as memfd_secret()'s: ftruncate() sets its size once
 * (while it is 0; later: EINVAL; negative: EINVAL; beyond RLIMIT_FSIZE:
 * EFBIG); mmap(MAP_SHARED) maps it, any number of times, in any process
 * that has the descriptor (fork, SCM_RIGHTS), and a fork()ed child keeps
 * the mappings; MAP_PRIVATE is EINVAL, PROT_EXEC EPERM; read() and
 * write() fail with EINVAL, pread() and pwrite() with ESPIPE. A page is
 * taken from the cache, zeroed, on the first touch of its offset, and
 * charged then to the creating user's locked memory against the toucher's
 * RLIMIT_MEMLOCK (as memfd_secret charges: SIGBUS when over, also with
 * CAP_IPC_LOCK); a touch at or past the file's size is SIGBUS. The
 * mappings are of raw page frames: get_user_pages() (O_DIRECT, vmsplice), /proc/PID/mem,
 * process_vm_readv() and ptrace cannot reach them; they are not in core
 * dumps. Every page goes back to the cache, and its charge to the user,
 * when the file's last reference (descriptor or mapping) is gone.
 * Hibernation is refused while any secret file exists.
 * The /dev/unmapped descriptor is needed only for the call itself.
 *
 * Errors: EINVAL (bad size, flags or reserved), EFAULT (bad pointer, also
 * for the reply: then no descriptor is left open), EMFILE (no free
 * descriptor), ENOMEM.
 */
struct unmapped_secret {
	__u32 size;		/* in */
	__u32 flags;		/* in: O_CLOEXEC or 0 */
	__s32 fd;		/* out: the new descriptor */
	__u32 reserved;		/* in: 0 */
};
#define UNMAPPED_SECRET_SIZE_VER0	16

#define UNMAPPED_IOC_INFO	_IOWR(UNMAPPED_IOC_MAGIC, 0x00, struct unmapped_info)
#define UNMAPPED_IOC_ALLOC	_IOWR(UNMAPPED_IOC_MAGIC, 0x01, struct unmapped_alloc)
#define UNMAPPED_IOC_FREE	_IOWR(UNMAPPED_IOC_MAGIC, 0x02, struct unmapped_free)
#define UNMAPPED_IOC_REGION	_IOWR(UNMAPPED_IOC_MAGIC, 0x03, struct unmapped_region)
#define UNMAPPED_IOC_QUERY	_IOWR(UNMAPPED_IOC_MAGIC, 0x04, struct unmapped_query)
#define UNMAPPED_IOC_SECRET	_IOWR(UNMAPPED_IOC_MAGIC, 0x05, struct unmapped_secret)

/*
 * Mapping: mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset)
 * with the region's full length and offset (an opaque, page-aligned value).
 * Errors: ENXIO (no region of this process at @offset: never allocated,
 * freed, or another process's), EINVAL (length is not the region's,
 * MAP_PRIVATE), EPERM (PROT_EXEC; mprotect() cannot add it later either),
 * EINTR (a fatal signal arrived while a region of many blocks was being
 * mapped; nothing stays mapped).
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

/*
 * Generic netlink: family UNMAPPED_GENL_NAME ("unmapped"), in the initial
 * network namespace only. Machine-readable statistics and a stream of
 * events; /sys/kernel/debug/unmapped/ has the same figures for humans.
 *
 * Commands (genlmsghdr.version UNMAPPED_GENL_VERSION; validation is
 * strict: an attribute a command does not take, a wrong length or type,
 * nonzero genlmsghdr.reserved or unknown nlmsg_flags are EINVAL, a value
 * out of range ERANGE, an unknown command EOPNOTSUPP; errors come with an
 * extended ACK message when the socket enables NETLINK_EXT_ACK):
 *
 *   UNMAPPED_CMD_GET_STATS  request: optional UNMAPPED_A_NODE.
 *     do:   one reply. Without UNMAPPED_A_NODE (or with -1): the totals
 *           over all nodes: UNMAPPED_A_NODE = -1, UNMAPPED_A_NR_NODES,
 *           UNMAPPED_A_BACKEND, UNMAPPED_A_ORDER (the order of the
 *           cache's blocks, from 0.4), UNMAPPED_A_STATS with every counter. With
 *           a node: that node's UNMAPPED_A_NODE and UNMAPPED_A_STATS.
 *           ENODEV: no such node.
 *     dump: one message per node, ids 0 .. NR_NODES - 1 (UNMAPPED_A_NODE,
 *           UNMAPPED_A_STATS: the cache's counters of that node, its free
 *           blocks per order among them; all zero on a node without
 *           memory), or only the node of UNMAPPED_A_NODE.
 *     Needs no privilege: the figures are aggregates, like /proc/vmstat.
 *
 *   UNMAPPED_CMD_EVENT  never a request (EOPNOTSUPP): the command of the
 *     notifications on multicast group UNMAPPED_GENL_MCGRP_EVENTS
 *     ("events"), one message per event. Joining the group needs
 *     CAP_SYS_ADMIN: events carry page frame numbers.
 *
 * Counters (UNMAPPED_A_STATS). A nest of UNMAPPED_A_STATS_ENTRY nests,
 * each one counter: UNMAPPED_STAT_A_NAME (string), UNMAPPED_STAT_A_VALUE
 * (u64) and, for one element of a per-order array, UNMAPPED_STAT_A_ORDER
 * (u32). Names are ABI, like those of /proc/vmstat: a counter keeps its
 * name and meaning; new counters get new names, and old readers skip (or
 * just print) names they do not know. No counter id space to keep in
 * step. debugfs "stats" shows the same counters in the same order, named
 * NAME, or NAME_ORDER for per-order ones ("allocs_order_3"), followed by
 * "backend range|page" (UNMAPPED_A_BACKEND). The node messages carry the
 * cache's counters; the totals also carry the module's own (netlink
 * events, refused API calls). Counters are monotonic unless they describe
 * a state "now" (pages_in_use, free_blocks_order...).
 *
 * Events (UNMAPPED_CMD_EVENT on "events"). UNMAPPED_A_EVENT_TYPE,
 * UNMAPPED_A_NODE, UNMAPPED_A_TIME_NS and UNMAPPED_A_LOST always; then
 *   REFILL, RELEASE:  ORDER, PFN, PAGES, BACKEND and the direct-map cost:
 *                     DM_CALLS, TLB_FLUSHES, SPLITS_L2, SPLITS_L3,
 *                     DURATION_NS;
 *   SHRINK:           PAGES (released), REQUESTED, the cost as above;
 *   ALLOC_FAIL:       ORDER, ERROR.
 * Events are queued where they happen, without ever blocking or slowing
 * the allocator, and sent from process context shortly after. Only while
 * someone listens: nothing is queued otherwise. The queue is small (256)
 * and rate limited (module parameter event_rate, events per second, as
 * a burst too); what does not fit is dropped and counted, both in the
 * counters events_dropped_* and in UNMAPPED_A_LOST of the next event. A
 * listener that does not keep up loses events at its socket (recvmsg()
 * fails with ENOBUFS once); nobody waits for it.
 */
#define UNMAPPED_GENL_NAME		"unmapped"
#define UNMAPPED_GENL_VERSION		1
#define UNMAPPED_GENL_MCGRP_EVENTS	"events"

enum unmapped_genl_cmd {
	UNMAPPED_CMD_UNSPEC,
	UNMAPPED_CMD_GET_STATS,
	UNMAPPED_CMD_EVENT,

	__UNMAPPED_CMD_MAX
};
#define UNMAPPED_CMD_MAX	(__UNMAPPED_CMD_MAX - 1)

enum unmapped_genl_attr {
	UNMAPPED_A_UNSPEC,
	UNMAPPED_A_PAD,			/* alignment of 64-bit values */
	UNMAPPED_A_NODE,		/* s32: NUMA node; -1 = all */
	UNMAPPED_A_NR_NODES,		/* u32: node ids are 0 .. n - 1 */
	UNMAPPED_A_BACKEND,		/* u32: enum unmapped_backend */
	UNMAPPED_A_STATS,		/* nest: UNMAPPED_A_STATS_ENTRY... */
	UNMAPPED_A_EVENT_TYPE,		/* u32: enum unmapped_event_type */
	UNMAPPED_A_TIME_NS,		/* u64: CLOCK_MONOTONIC when it happened */
	UNMAPPED_A_LOST,		/* u64: events dropped just before */
	UNMAPPED_A_ORDER,		/* u32: block order */
	UNMAPPED_A_PFN,			/* u64: first page frame */
	UNMAPPED_A_PAGES,		/* u64: pages concerned */
	UNMAPPED_A_REQUESTED,		/* u64: SHRINK: pages asked for */
	UNMAPPED_A_ERROR,		/* s32: ALLOC_FAIL: negative errno */
	UNMAPPED_A_DM_CALLS,		/* u64: direct-map change calls */
	UNMAPPED_A_TLB_FLUSHES,		/* u64: all-CPU TLB flushes */
	UNMAPPED_A_SPLITS_L2,		/* u64: 2M->4K direct-map splits */
	UNMAPPED_A_SPLITS_L3,		/* u64: 1G->2M direct-map splits */
	UNMAPPED_A_DURATION_NS,		/* u64: wall time it took */

	__UNMAPPED_A_MAX
};
#define UNMAPPED_A_MAX		(__UNMAPPED_A_MAX - 1)

/* Inside UNMAPPED_A_STATS: one nest per counter. */
enum unmapped_stats_attr {
	UNMAPPED_A_STATS_UNSPEC,
	UNMAPPED_A_STATS_ENTRY,		/* nest: UNMAPPED_STAT_A_* */

	__UNMAPPED_A_STATS_MAX
};
#define UNMAPPED_A_STATS_MAX	(__UNMAPPED_A_STATS_MAX - 1)

enum unmapped_stat_attr {
	UNMAPPED_STAT_A_UNSPEC,
	UNMAPPED_STAT_A_PAD,
	UNMAPPED_STAT_A_NAME,		/* string, NUL-terminated */
	UNMAPPED_STAT_A_VALUE,		/* u64 */
	UNMAPPED_STAT_A_ORDER,		/* u32: element of a per-order array */

	__UNMAPPED_STAT_A_MAX
};
#define UNMAPPED_STAT_A_MAX	(__UNMAPPED_STAT_A_MAX - 1)

enum unmapped_event_type {
	UNMAPPED_EVENT_UNSPEC,
	UNMAPPED_EVENT_REFILL,		/* a block taken from the page allocator
					 * and removed from the direct map */
	UNMAPPED_EVENT_RELEASE,		/* pages mapped back and returned to
					 * the page allocator */
	UNMAPPED_EVENT_SHRINK,		/* one shrink request (memory pressure,
					 * drop_caches) done */
	UNMAPPED_EVENT_ALLOC_FAIL,	/* an allocation failed */

	__UNMAPPED_EVENT_MAX
};
#define UNMAPPED_EVENT_MAX	(__UNMAPPED_EVENT_MAX - 1)

#endif /* _UAPI_LINUX_UNMAPPED_H */
