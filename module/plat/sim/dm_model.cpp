// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_model.cpp - the three-level direct map model.
 */
#include "dm_model.h"

#include <algorithm>
#include <stdexcept>

namespace sim {

uint8_t applyAttr(uint8_t attr, uint8_t set, uint8_t clr)
{
	uint8_t out = uint8_t((attr | set) & ~clr);

	if (!(out & kAttrPresent))
		out &= uint8_t(~kAttrGlobal);
	return out;
}

DirectMapModel::DirectMapModel(const DmLayout &layout)
	: layout_(layout), puds_(layout.pages / kPagesPerPud)
{
	if (!layout.pages || layout.pages % kPagesPerPud)
		throw std::invalid_argument("direct map: size not in whole GiB");
	for (uint64_t g = 0; g < puds_.size(); g++) {
		uint64_t first = g * kPagesPerPud;

		if (first >= layout.pmd_pages &&
		    std::find(layout.pmd_gib.begin(), layout.pmd_gib.end(),
			      g) == layout.pmd_gib.end())
			continue;
		splitPud(puds_[g]);
		for (uint64_t m = 0; m < kPagesPerPmd; m++)
			if (first + m * kPagesPerPmd < layout.small_pages)
				splitPmd(puds_[g].pmds[m]);
	}
}

void DirectMapModel::splitPud(Pud &pud)
{
	pud.pmds = std::make_unique<Pmd[]>(kPagesPerPmd);
	for (uint64_t m = 0; m < kPagesPerPmd; m++)
		pud.pmds[m].attr = pud.attr;
}

void DirectMapModel::splitPmd(Pmd &pmd)
{
	pmd.ptes = std::make_unique<uint8_t[]>(kPagesPerPmd);
	std::fill_n(pmd.ptes.get(), kPagesPerPmd, pmd.attr);
}

static void noteTransition(uint64_t pfn, uint64_t nr, uint8_t before,
			   uint8_t after, const DmHooks &hooks)
{
	if ((before & kAttrPresent) && !(after & kAttrPresent) &&
	    hooks.unmapped)
		hooks.unmapped(pfn, nr);
}

/* [start, end) lies inside the 2M entry whose first page is @first. */
void DirectMapModel::changePmd(Pmd &pmd, uint64_t first, uint64_t start,
			       uint64_t end, uint8_t set, uint8_t clr,
			       const DmHooks &hooks)
{
	if (!pmd.ptes) {
		uint8_t next = applyAttr(pmd.attr, set, clr);

		if (next == pmd.attr)
			return;
		if (start == first && end == first + kPagesPerPmd) {
			noteTransition(first, kPagesPerPmd, pmd.attr, next,
				       hooks);
			pmd.attr = next;
			return;
		}
		splitPmd(pmd);
		splits_.l2++;
		if (hooks.split_flush)
			hooks.split_flush();
	}
	for (uint64_t pfn = start; pfn < end; pfn++) {
		uint8_t &pte = pmd.ptes[pfn - first];
		uint8_t next = applyAttr(pte, set, clr);

		noteTransition(pfn, 1, pte, next, hooks);
		pte = next;
	}
}

DmSplits DirectMapModel::change(uint64_t pfn, uint64_t nr, uint8_t set,
				uint8_t clr, const DmHooks &hooks)
{
	DmSplits before = splits_;
	uint64_t end = pfn + nr;

	if (end > layout_.pages || end < pfn)
		throw std::out_of_range("direct map: change beyond memory");
	for (uint64_t cur = pfn; cur < end;) {
		Pud &pud = puds_[cur / kPagesPerPud];
		uint64_t pud_first = cur / kPagesPerPud * kPagesPerPud;
		uint64_t pud_end = std::min(end, pud_first + kPagesPerPud);

		if (!pud.pmds) {
			uint8_t next = applyAttr(pud.attr, set, clr);

			if (next == pud.attr) {
				cur = pud_end;
				continue;
			}
			if (cur == pud_first &&
			    pud_end == pud_first + kPagesPerPud) {
				noteTransition(pud_first, kPagesPerPud,
					       pud.attr, next, hooks);
				pud.attr = next;
				cur = pud_end;
				continue;
			}
			splitPud(pud);
			splits_.l3++;
			if (hooks.split_flush)
				hooks.split_flush();
		}
		while (cur < pud_end) {
			uint64_t pmd_first = cur / kPagesPerPmd * kPagesPerPmd;
			uint64_t pmd_end = std::min(pud_end,
						    pmd_first + kPagesPerPmd);

			changePmd(pud.pmds[(pmd_first - pud_first) /
					   kPagesPerPmd],
				  pmd_first, cur, pmd_end, set, clr, hooks);
			cur = pmd_end;
		}
	}
	return DmSplits{ splits_.l2 - before.l2, splits_.l3 - before.l3 };
}

Level DirectMapModel::levelOf(uint64_t pfn) const
{
	const Pud &pud = puds_.at(pfn / kPagesPerPud);

	if (!pud.pmds)
		return Level::Pud1G;
	const Pmd &pmd = pud.pmds[pfn % kPagesPerPud / kPagesPerPmd];

	return pmd.ptes ? Level::Pte4K : Level::Pmd2M;
}

uint8_t DirectMapModel::attrOf(uint64_t pfn) const
{
	const Pud &pud = puds_.at(pfn / kPagesPerPud);

	if (!pud.pmds)
		return pud.attr;
	const Pmd &pmd = pud.pmds[pfn % kPagesPerPud / kPagesPerPmd];

	return pmd.ptes ? pmd.ptes[pfn % kPagesPerPmd] : pmd.attr;
}

uint64_t DirectMapModel::pagesAtLevel(Level level) const
{
	uint64_t count = 0;

	for (const Pud &pud : puds_) {
		if (!pud.pmds) {
			count += level == Level::Pud1G ? kPagesPerPud : 0;
			continue;
		}
		for (uint64_t m = 0; m < kPagesPerPmd; m++) {
			bool small = pud.pmds[m].ptes != nullptr;

			if ((level == Level::Pte4K && small) ||
			    (level == Level::Pmd2M && !small))
				count += kPagesPerPmd;
		}
	}
	return count;
}

} /* namespace sim */
