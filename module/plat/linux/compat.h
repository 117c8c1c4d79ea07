/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h - every difference between kernel versions, in one place.
 *
 * The rest of the shim calls only what is declared here for anything that
 * moved between releases or is not exported to modules: the unexported
 * kernel functions (kcall.c: resolved once at load, see
 * um_compat_resolve(), and called through static calls, safe under IBT),
 * the meaning of MAX_ORDER, the shrinker API and the rest below. Every
 * branch is built for and booted on a kernel of the test matrix
 * (tools/kernels/matrix: Debian 12's 6.1, Debian 13's 6.12, the newest
 * 7.x).
 */
#ifndef UNMAPPED_SHIM_COMPAT_H
#define UNMAPPED_SHIM_COMPAT_H

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "unmapped needs Linux 6.1 or later"
#endif

/*
 * Number of block orders the page allocator serves. 6.1: MAX_ORDER is that
 * number (orders 0 .. MAX_ORDER - 1); 6.4 made MAX_ORDER the largest order
 * itself; 6.8 renamed it MAX_PAGE_ORDER and added NR_PAGE_ORDERS.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define UM_NR_PAGE_ORDERS	NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define UM_NR_PAGE_ORDERS	(MAX_ORDER + 1)
#else
#define UM_NR_PAGE_ORDERS	MAX_ORDER
#endif

/*
 * The system workqueue for per-CPU work, the one schedule_work() uses:
 * system_percpu_wq where the kernel has it (Kbuild: UM_HAVE_PERCPU_WQ),
 * since 7.x logs every work queued on system_wq as deprecated.
 */
#ifdef UM_HAVE_PERCPU_WQ
#define um_compat_system_wq	system_percpu_wq
#else
#define um_compat_system_wq	system_wq
#endif

/* Whether @page carries any memcg data (a charge), which a free must not. */
static inline bool um_compat_page_memcg_data(const struct page *page)
{
#ifdef CONFIG_MEMCG
	return READ_ONCE(page->memcg_data) != 0;
#else
	return false;
#endif
}

/* The flags word of @page: 6.18 wrapped it in memdesc_flags_t (.f). */
static inline unsigned long um_compat_page_flags(const struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
	return READ_ONCE(page->flags.f);
#else
	return READ_ONCE(page->flags);
#endif
}

/*
 * Set @set and clear @clear in @vma->vm_flags (mmap_lock held for writing).
 * 6.3 made vm_flags read-only behind vm_flags_{set,clear,mod}(), which
 * check the mmap_lock and, from 6.4, also write-lock the VMA.
 */
static inline void um_compat_vm_flags_mod(struct vm_area_struct *vma,
					  vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags |= set;
	vma->vm_flags &= ~clear;
#endif
}

/*
 * Unmap [@addr, @addr + @size) of the VM_PFNMAP @vma (mmap_lock held). 7.1
 * renamed zap_vma_ptes() to zap_special_vma_range() (e.g. gasket-dkms #29,
 * against 7.1.2; Debian's 7.2 and 7.3 have the new name, 6.12 the old).
 */
static inline void um_compat_zap_pfnmap(struct vm_area_struct *vma,
					unsigned long addr, unsigned long size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 1, 0)
	zap_special_vma_range(vma, addr, size);
#else
	zap_vma_ptes(vma, addr, size);
#endif
}

/*
 * kvrealloc() of @p from @oldsize to @newsize bytes. 6.12 dropped the old
 * size (the allocator knows it) to match krealloc().
 */
static inline void *um_compat_kvrealloc(const void *p, size_t oldsize,
					size_t newsize, gfp_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return kvrealloc(p, newsize, flags);
#else
	return kvrealloc(p, oldsize, newsize, flags);
#endif
}

/*
 * The parsed attributes of the request behind a generic netlink dump. 6.6
 * moved them from struct genl_dumpit_info into its struct genl_info.
 */
static inline struct nlattr **um_compat_genl_dump_attrs(
	struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * The first argument of inode_operations.setattr, passed on to
 * simple_setattr(): 6.3 replaced the mount's user namespace by its idmap.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
typedef struct mnt_idmap um_compat_idmap_t;
#else
typedef struct user_namespace um_compat_idmap_t;
#endif

/*
 * Take [@start, @end) out of the page allocator where it lies (one zone),
 * each page with its own reference, not zeroed. 6.16 replaced the
 * migratetype argument by acr_flags_t (ACR_FLAGS_NONE: an ordinary
 * request, which isolates the pageblocks as MIGRATE_MOVABLE did). 6.12+
 * refuse gfp bits beyond reclaim and a few actions (-EINVAL).
 */
static inline int um_compat_alloc_contig_range(unsigned long start,
					       unsigned long end, gfp_t gfp)
{
#if !IS_ENABLED(CONFIG_CONTIG_ALLOC)
	return -ENOMEM;
#elif defined(ACR_FLAGS_NONE)
	return alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp);
#else
	return alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp);
#endif
}

/*
 * The order of the free buddy block @page heads, if it heads one, else -1.
 * A hint, read without the zone lock: the page allocator keeps the order in
 * page_private() of a PageBuddy() head (mm/internal.h's buddy_order(),
 * which modules cannot see).
 */
static inline int um_compat_free_block_order(struct page *page)
{
	if (!PageBuddy(page))
		return -1;
	return (int)READ_ONCE(page->private);
}

/* --- unexported kernel functions (kcall.c) ------------------------------- */

struct seq_file;

int um_compat_resolve(void);
void um_kcall_show(struct seq_file *m);

/* direct map (all [sleeps]; they may split and allocate page tables) */

/**
 * um_compat_dm_remove_range() - clear _PAGE_PRESENT on @nr pages of the
 * direct map from @addr in one change_page_attr pass, which flushes the TLBs
 * of every CPU itself. Large mappings wholly inside the range stay large.
 * No other mapping of the pages (the kernel image's alias) is touched.
 * Return: 0 or -errno from the kernel.
 */
int um_compat_dm_remove_range(unsigned long addr, int nr);

/**
 * um_compat_dm_remove_range_noflush() - um_compat_dm_remove_range() without
 * the flush (nor CPA's vm_unmap_aliases()): set_direct_map_valid_noflush(),
 * which kernels have from 6.13. The caller flushes every CPU before the
 * pages' absence counts. Also clears _PAGE_RW, which the restore sets again.
 * Return: 0, -errno from the kernel, or -EOPNOTSUPP before 6.13.
 */
int um_compat_dm_remove_range_noflush(unsigned long addr, int nr);

/** um_compat_dm_can_defer_flush() - has the kernel the function above? */
bool um_compat_dm_can_defer_flush(void);

/**
 * um_compat_dm_restore_range() - make @nr pages from @addr present again
 * with the kernel's default direct-map bits (present, writable and, where
 * the kernel uses it, global), in one pass that keeps large mappings large.
 * Return: 0 or -errno from the kernel.
 */
int um_compat_dm_restore_range(unsigned long addr, int nr);

/**
 * um_compat_dm_set_page() - one page invalid (@present false) or back to
 * its default (@present true) in the direct map, without flushing any TLB.
 * Splits a large mapping around the page.
 * Return: 0 or -errno from the kernel.
 */
int um_compat_dm_set_page(struct page *page, bool present);

/** um_compat_flush_kernel_range() - flush kernel TLB entries of [start, end) on every CPU. */
void um_compat_flush_kernel_range(unsigned long start, unsigned long end);

/**
 * um_compat_flush_kernel_range_unaliased() - vm_unmap_aliases(), then
 * um_compat_flush_kernel_range(): no CPU may translate a lazily freed
 * vmalloc address to a page in [start, end) afterwards, nor the range's
 * direct map. In one flush where the kernel's _vm_unmap_aliases() can be
 * called (6.1 to 7.x), in up to two otherwise. [sleeps]
 */
void um_compat_flush_kernel_range_unaliased(unsigned long start,
					    unsigned long end);

/**
 * um_compat_flush_one_kernel_local() - drop the translation of one kernel
 * address from THIS CPU's TLB only (every address space of it). [atomic]
 */
void um_compat_flush_one_kernel_local(unsigned long addr);

/* memory cgroups */

/**
 * um_compat_memcg_charge() - charge the 2^@order pages at @page to the
 * current task's memory cgroup, as alloc_pages(@gfp | __GFP_ACCOUNT) would.
 * Return: 0 (also without memcg) or -ENOMEM (over the cgroup's limit).
 */
int um_compat_memcg_charge(struct page *page, gfp_t gfp, unsigned int order);

/** um_compat_memcg_charged() - whether @page carries a memcg charge. [atomic] */
bool um_compat_memcg_charged(struct page *page);

/**
 * um_compat_memcg_uncharge() - undo um_compat_memcg_charge(), if @page is
 * charged. [atomic] Return: whether it was.
 */
bool um_compat_memcg_uncharge(struct page *page, unsigned int order);

/* --- shrinker ------------------------------------------------------------ */

struct um_compat_shrinker;

/**
 * um_compat_shrinker_register() - register a NUMA-aware shrinker named @name
 * with the default seek cost.
 * Return: the shrinker or an ERR_PTR().
 */
struct um_compat_shrinker *um_compat_shrinker_register(
	const char *name,
	unsigned long (*count)(struct shrinker *, struct shrink_control *),
	unsigned long (*scan)(struct shrinker *, struct shrink_control *));

/**
 * um_compat_account_reclaimed() - credit @pages pages that a shrinker call
 * gave straight back to the page allocator to the reclaim that called it.
 * Reclaim counts only LRU and slab pages as progress on its own; without
 * this, a direct reclaimer that emptied our cache would still see none and
 * go on to the OOM killer.
 */
void um_compat_account_reclaimed(unsigned long pages);

/**
 * um_compat_shrinker_unregister() - unregister and free; on return no count
 * or scan callback runs or will run.
 */
void um_compat_shrinker_unregister(struct um_compat_shrinker *s);

#endif /* UNMAPPED_SHIM_COMPAT_H */
