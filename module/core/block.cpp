// SPDX-License-Identifier: GPL-2.0-only
/*
 * block.cpp - buddy bitmaps of one block.
 */
#include "block.h"

namespace um {

namespace {

/* Page-granular bitmaps after the per-order ones, in this order. */
enum PageMapIndex : unsigned {
	kDirtyMap, kGoneMap, kLeakedMap, kOutMap, kNrPageMaps
};

/* Word offsets of every bitmap of a block of one order. */
struct BlockLayout {
	u16 free_word[kMaxOrder];
	u16 used_word[kMaxOrder];
	u16 page_word[kNrPageMaps];
	u16 total_words;
};

struct BlockLayouts {
	BlockLayout of[kMaxOrder];
};

constexpr u16 chunkMapWords(unsigned blk_order, unsigned k)
{
	return u16(wordsFor(size_t(1) << (blk_order - k)));
}

constexpr BlockLayouts buildLayouts()
{
	BlockLayouts all = {};

	for (unsigned b = 0; b < kMaxOrder; b++) {
		BlockLayout &l = all.of[b];
		u16 w = 0;

		for (unsigned k = 0; k <= b; k++) {
			l.free_word[k] = w;
			w += chunkMapWords(b, k);
		}
		for (unsigned k = 0; k <= b; k++) {
			l.used_word[k] = w;
			w += chunkMapWords(b, k);
		}
		for (unsigned m = 0; m < kNrPageMaps; m++) {
			l.page_word[m] = w;
			w += chunkMapWords(b, 0);
		}
		l.total_words = w;
	}
	return all;
}

/* Constant-initialised: no constructor runs, it lives in .rodata. */
constexpr BlockLayouts kLayouts = buildLayouts();

} /* namespace */

bool PageSet::nextRun(u32 *start, u32 *len) const
{
	size_t first = findNextBit(bits, nr_pages, *start);

	if (first >= nr_pages)
		return false;
	*start = u32(first);
	*len = u32(findNextZeroBit(bits, nr_pages, first) - first);
	return true;
}

size_t Block::metaBytes(unsigned blk_order)
{
	return sizeof(Block) + kLayouts.of[blk_order].total_words * sizeof(u64);
}

u64 *Block::freeMap(unsigned k)
{
	return words() + kLayouts.of[order].free_word[k];
}

const u64 *Block::freeMap(unsigned k) const
{
	return words() + kLayouts.of[order].free_word[k];
}

u64 *Block::usedMap(unsigned k)
{
	return words() + kLayouts.of[order].used_word[k];
}

const u64 *Block::usedMap(unsigned k) const
{
	return words() + kLayouts.of[order].used_word[k];
}

u64 *Block::pageMap(unsigned which)
{
	return words() + kLayouts.of[order].page_word[which];
}

const u64 *Block::pageMap(unsigned which) const
{
	return words() + kLayouts.of[order].page_word[which];
}

void Block::init(um_pfn_t first, unsigned blk_order, enum um_backend bk,
		 u64 *area_count)
{
	__builtin_memset(this, 0, metaBytes(blk_order));
	base = first;
	tree.key = PfnTree::key(first, blk_order);
	order = u8(blk_order);
	backend = u8(bk);
	pages_free = pages();
	addFreeBit(0, blk_order, area_count);
}

void Block::addFreeBit(u32 index, unsigned k, u64 *area_count)
{
	setBit(freeMap(k), index);
	nr_free[k]++;
	area_count[k]++;
}

void Block::dropFreeBit(u32 index, unsigned k, u64 *area_count)
{
	clearBit(freeMap(k), index);
	nr_free[k]--;
	area_count[k]--;
}

u32 Block::findFree(unsigned chunk_order) const
{
	size_t nbits = size_t(1) << (order - chunk_order);
	size_t index = findNextBit(freeMap(chunk_order), nbits, 0);

	return index < nbits ? u32(index << chunk_order) : pages();
}

u32 Block::takeChunk(unsigned from, unsigned chunk_order, u64 *area_count)
{
	u32 off = findFree(from);

	dropFreeBit(off >> from, from, area_count);
	/* Keep the lower half each time; the upper half becomes free. */
	for (unsigned k = from; k-- > chunk_order;)
		addFreeBit((off >> k) + 1, k, area_count);
	setBit(usedMap(chunk_order), off >> chunk_order);
	pages_free -= u32(pagesOf(chunk_order));
	pages_used += u32(pagesOf(chunk_order));
	return off;
}

unsigned Block::insertFree(u32 off, unsigned k, u64 *area_count)
{
	while (k < order) {
		u32 buddy = (off >> k) ^ 1;

		if (!testBit(freeMap(k), buddy))
			break;
		dropFreeBit(buddy, k, area_count);
		off &= ~u32(pagesOf(k));
		k++;
	}
	addFreeBit(off >> k, k, area_count);
	return k;
}

unsigned Block::freeChunk(u32 off, unsigned chunk_order, u64 *area_count)
{
	u32 n = u32(pagesOf(chunk_order));

	clearBit(usedMap(chunk_order), off >> chunk_order);
	pages_used -= n;
	pages_free += n;
	/* A handed-out chunk has no dirty bit: its own went with it. */
	assignBits(pageMap(kDirtyMap), off, n, true);
	pages_dirty += n;
	return insertFree(off, chunk_order, area_count);
}

unsigned Block::ungrantChunk(u32 off, unsigned chunk_order,
			     const PageSet &dirty, u64 *area_count)
{
	u32 n = u32(pagesOf(chunk_order));

	clearBit(usedMap(chunk_order), off >> chunk_order);
	pages_used -= n;
	pages_free += n;
	putDirty(off, dirty);
	return insertFree(off, chunk_order, area_count);
}

/* Free pages leave the buddy; @counter says why (pages_gone, zeroing). */
void Block::markGone(u32 off, unsigned chunk_order, u32 *counter)
{
	u32 n = u32(pagesOf(chunk_order));

	assignBits(pageMap(kGoneMap), off, n, true);
	pages_free -= n;
	*counter += n;
}

void Block::unmarkGone(u32 off, unsigned chunk_order, u32 *counter)
{
	u32 n = u32(pagesOf(chunk_order));

	assignBits(pageMap(kGoneMap), off, n, false);
	*counter -= n;
	pages_free += n;
}

u32 Block::detachFree(unsigned chunk_order, u64 *area_count)
{
	u32 off = findFree(chunk_order);

	dropFreeBit(off >> chunk_order, chunk_order, area_count);
	markGone(off, chunk_order, &pages_gone);
	return off;
}

u32 Block::takeForZeroing(u32 page, unsigned max_order, unsigned *chunk_order,
			  u64 *area_count)
{
	unsigned k = 0;

	/* Free chunks are maximal: one order at most has a bit over @page. */
	while (k <= order && !testBit(freeMap(k), page >> k))
		k++;
	if (k > order)
		return pages();
	u32 off = page & ~u32(pagesOf(k) - 1);

	dropFreeBit(off >> k, k, area_count);
	/* Halve towards @page; each other half stays free. */
	for (; k > max_order; k--) {
		u32 half = u32(pagesOf(k - 1));

		if (page - off >= half) {
			addFreeBit(off >> (k - 1), k - 1, area_count);
			off += half;
		} else {
			addFreeBit((off + half) >> (k - 1), k - 1, area_count);
		}
	}
	markGone(off, k, &pages_zeroing);
	*chunk_order = k;
	return off;
}

unsigned Block::returnZeroed(u32 off, unsigned chunk_order,
			     const PageSet &dirty, u64 *area_count)
{
	unmarkGone(off, chunk_order, &pages_zeroing);
	putDirty(off, dirty);
	return insertFree(off, chunk_order, area_count);
}

unsigned Block::reattach(u32 off, unsigned chunk_order, const PageSet &dirty,
			 u64 *area_count)
{
	unmarkGone(off, chunk_order, &pages_gone);
	putDirty(off, dirty);
	return insertFree(off, chunk_order, area_count);
}

void Block::markOut(u32 off)
{
	atomicSetBit(pageMap(kOutMap), off);
}

bool Block::takeOut(u32 off)
{
	return atomicTestAndClearBit(pageMap(kOutMap), off);
}

bool Block::isOut(u32 off) const
{
	return atomicTestBit(pageMap(kOutMap), off);
}

u32 Block::parkedPages() const
{
	const u64 *used = usedMap(0), *out = pageMap(kOutMap);
	u32 n = 0;

	for (size_t w = 0; w < wordsFor(pages()); w++)
		n += popcount64(used[w] & ~loadAcquire(&out[w]));
	return n;
}

ChunkState Block::classify(u32 off, unsigned chunk_order) const
{
	if (testBit(pageMap(kGoneMap), off))
		return testBit(pageMap(kLeakedMap), off) ? ChunkState::Leaked
							 : ChunkState::Released;
	for (unsigned k = 0; k <= order; k++) {
		if (testBit(freeMap(k), off >> k))
			return ChunkState::Free;
		if (testBit(usedMap(k), off >> k)) {
			bool head = (off & (pagesOf(k) - 1)) == 0;

			return k == chunk_order && head ? ChunkState::Allocated
							: ChunkState::WrongOrder;
		}
	}
	return ChunkState::Inconsistent;
}

void Block::takeDirty(u32 off, unsigned chunk_order, PageSet *out)
{
	u32 n = u32(pagesOf(chunk_order));
	u64 *dirty = pageMap(kDirtyMap);

	out->nr_pages = n;
	if (n >= kWordBits) {
		/* Chunks of 64+ pages start on a word boundary. */
		u32 first = off / kWordBits, nwords = n / kWordBits;

		__builtin_memcpy(out->bits, dirty + first,
				 nwords * sizeof(u64));
		__builtin_memset(dirty + first, 0, nwords * sizeof(u64));
	} else {
		/* Smaller chunks never cross a word boundary. */
		u64 mask = wordMask(off % kWordBits, n);
		u64 *word = &dirty[off / kWordBits];

		out->bits[0] = (*word & mask) >> (off % kWordBits);
		*word &= ~mask;
	}
	out->nr_set = u32(countBits(out->bits, 0, n));
	pages_dirty -= out->nr_set;
}

void Block::putDirty(u32 off, const PageSet &dirty)
{
	u64 *map = pageMap(kDirtyMap);
	u32 start = 0, len;

	while (dirty.nextRun(&start, &len)) {
		assignBits(map, off + start, len, true);
		start += len;
	}
	pages_dirty += dirty.nr_set;
}

void Block::markLeaked(u32 off, u32 nr)
{
	assignBits(pageMap(kLeakedMap), off, nr, true);
	pages_leaked += nr;
}

void Block::clearLeaked(u32 off, u32 nr)
{
	assignBits(pageMap(kLeakedMap), off, nr, false);
	pages_leaked -= nr;
}

bool Block::findLeakedRun(u32 from, u32 *off, u32 *nr) const
{
	const u64 *map = pageMap(kLeakedMap);
	size_t first = findNextBit(map, pages(), from);

	if (first >= pages())
		return false;
	*off = u32(first);
	*nr = u32(findNextZeroBit(map, pages(), first) - first);
	return true;
}

bool Block::isFreeChunk(u32 off, unsigned k) const
{
	return k <= order && testBit(freeMap(k), off >> k);
}

bool Block::isUsedChunk(u32 off, unsigned k) const
{
	return k <= order && testBit(usedMap(k), off >> k);
}

bool Block::isDirty(u32 page) const
{
	return testBit(pageMap(kDirtyMap), page);
}

bool Block::isGone(u32 page) const
{
	return testBit(pageMap(kGoneMap), page);
}

bool Block::isLeaked(u32 page) const
{
	return testBit(pageMap(kLeakedMap), page);
}

u32 Block::dirtyPages() const
{
	return u32(countBits(pageMap(kDirtyMap), 0, pages()));
}

u32 Block::dirtyIn(u32 off, u32 nr) const
{
	return u32(countBits(pageMap(kDirtyMap), off, nr));
}

u32 Block::firstDirty() const
{
	return u32(findNextBit(pageMap(kDirtyMap), pages(), 0));
}

} /* namespace um */
