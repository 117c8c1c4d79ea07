// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_model.h - a model of the x86-64 kernel direct map as 6.1's CPA
 * (arch/x86/mm/pat/set_memory.c) changes it.
 *
 * Three levels: 1G (PUD), 2M (PMD) and 4K (PTE) entries, each with the
 * attributes that matter here: PRESENT, RW, GLOBAL. The rules, as measured
 * in the test VM (shared/PLATFORM.md):
 *   - a change covering a whole aligned large entry changes the entry's
 *     attributes and keeps it large;
 *   - a change covering part of a large entry that would alter its
 *     attributes splits it first (1G -> 512 x 2M is a level-3 split, 2M ->
 *     512 x 4K a level-2 split, counted like /proc/vmstat), and every split
 *     does a flush_tlb_all() before the new attributes are written;
 *   - a change that leaves attributes as they are splits nothing;
 *   - going non-present clears GLOBAL (it doubles as PROTNONE);
 *   - nothing ever merges back.
 * Not thread-safe: SimPlatform serialises access.
 */
#ifndef UNMAPPED_SIM_DM_MODEL_H
#define UNMAPPED_SIM_DM_MODEL_H

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sim {

enum : uint8_t {
	kAttrPresent = 1,
	kAttrRw = 2,
	kAttrGlobal = 4,
	kAttrBoot = kAttrPresent | kAttrRw | kAttrGlobal,
};

enum class Level { Pte4K, Pmd2M, Pud1G };

constexpr uint64_t kPagesPerPmd = 512;
constexpr uint64_t kPagesPerPud = 512 * 512;

/* Boot layout: [0, small_pages) in 4K, up to pmd_pages in 2M, then 1G. */
struct DmLayout {
	uint64_t pages = 4 * kPagesPerPud;	/* multiple of kPagesPerPud */
	uint64_t small_pages = kPagesPerPmd;
	uint64_t pmd_pages = kPagesPerPud;
	/* GiBs above pmd_pages mapped with 2M entries too (RAM ending
	 * inside them, as below a PCI hole). */
	std::vector<uint64_t> pmd_gib;
};

struct DmSplits {
	uint64_t l2 = 0;	/* 2M -> 4K */
	uint64_t l3 = 0;	/* 1G -> 2M */
};

/* What a change did besides changing attributes. */
struct DmHooks {
	std::function<void()> split_flush;	/* a split flushed all TLBs */
	std::function<void(uint64_t pfn, uint64_t nr)> unmapped; /* P -> !P */
};

class DirectMapModel {
public:
	explicit DirectMapModel(const DmLayout &layout);

	/*
	 * change() - set then clear attribute bits on [pfn, pfn + nr), as
	 * change_page_attr_set_clr() does. Return: the splits it caused.
	 */
	DmSplits change(uint64_t pfn, uint64_t nr, uint8_t set, uint8_t clr,
			const DmHooks &hooks);

	Level levelOf(uint64_t pfn) const;
	uint8_t attrOf(uint64_t pfn) const;
	bool present(uint64_t pfn) const { return attrOf(pfn) & kAttrPresent; }
	uint64_t pages() const { return layout_.pages; }

	/* Since boot, like /proc/vmstat direct_map_level{2,3}_splits. */
	const DmSplits &splits() const { return splits_; }
	/* Pages mapped at @level now, like DirectMap4k/2M/1G in meminfo. */
	uint64_t pagesAtLevel(Level level) const;

private:
	struct Pmd {
		uint8_t attr = kAttrBoot;
		std::unique_ptr<uint8_t[]> ptes;	/* null: 2M leaf */
	};
	struct Pud {
		uint8_t attr = kAttrBoot;
		std::unique_ptr<Pmd[]> pmds;		/* null: 1G leaf */
	};

	static void splitPud(Pud &pud);
	static void splitPmd(Pmd &pmd);
	void changePmd(Pmd &pmd, uint64_t first, uint64_t start, uint64_t end,
		       uint8_t set, uint8_t clr, const DmHooks &hooks);

	DmLayout layout_;
	std::vector<Pud> puds_;
	DmSplits splits_;
};

/* The attributes CPA leaves after setting @set and clearing @clr. */
uint8_t applyAttr(uint8_t attr, uint8_t set, uint8_t clr);

} /* namespace sim */

#endif /* UNMAPPED_SIM_DM_MODEL_H */
