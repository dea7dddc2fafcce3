// SPDX-License-Identifier: MIT
/*
 * sizeclass.c - zsmalloc size classes, and object sizes drawn from a profile.
 *
 * zsmalloc (mm/zsmalloc.c) serves an object of s bytes from size class
 *   idx = s <= ZS_MIN_ALLOC_SIZE ? 0 : DIV_ROUND_UP(s - ZS_MIN_ALLOC_SIZE, ZS_SIZE_CLASS_DELTA)
 * with ZS_MIN_ALLOC_SIZE 32, ZS_SIZE_CLASS_DELTA = PAGE_SIZE >> 8 (16 at 4 KiB) and
 * ZS_SIZE_CLASSES = DIV_ROUND_UP(PAGE_SIZE - 32, DELTA) + 1 (255 at 4 KiB).  At pool creation
 * it walks the classes from the largest down and makes a class point at the previous (larger)
 * one when both have the same pages per zspage and objects per zspage (can_merge()): merged
 * classes are one struct size_class, hence one class->lock.  pages per zspage is the count
 * from 1 to the chain size (CONFIG_ZSMALLOC_CHAIN_SIZE, 4 before 6.3) that wastes the least
 * (get_pages_per_zspage()).  defersim reproduces that table, so "same class" below means
 * "same lock" as in the kernel.  Pages of 32 bytes or less (tests) have one class.
 *
 * Data structure: struct ds_zs_classes: per nominal class index, the index of the class
 * whose lock it uses (the largest class of its merged group).
 *
 * Sizes drawn from the profile's [sizes] group are a function of (seed, release): a
 * splitmix64 hash of the seed and the release's recorded time, pid and value gives the
 * uniform numbers, so a release gets the same size under every policy and pool size, and
 * the simulated timeline (which differs between them) does not change the draw.
 */
#include <math.h>

#include "zsmalloc.h"

#define ZS_MIN_ALLOC 32u

static unsigned int pages_per_zspage(unsigned int size, unsigned int page, unsigned int chain)
{
	unsigned int best = 1, best_used = 0;

	for (unsigned int i = 1; i <= chain; i++) {
		uint64_t zspage = (uint64_t)i * page;
		uint64_t waste = zspage % size;
		unsigned int used = (unsigned int)((zspage - waste) * 100 / zspage);

		if (used > best_used) {
			best_used = used;
			best = i;
		}
	}
	return best;
}

void ds_zs_classes_init(struct ds_zs_classes *c, unsigned int page_size, unsigned int chain)
{
	unsigned int prev_pages = 0, prev_objs = 0, prev = 0;

	c->page_size = page_size;
	c->delta = MAX(page_size >> 8, 1u);
	c->min_size = MIN(ZS_MIN_ALLOC, page_size);
	c->n = (page_size - c->min_size + c->delta - 1) / c->delta + 1;
	c->lock = g_new(uint16_t, c->n);
	for (unsigned int i = c->n; i-- > 0;) {
		unsigned int size = MIN(c->min_size + i * c->delta, page_size);
		unsigned int pages = pages_per_zspage(size, page_size, chain);
		unsigned int objs = (unsigned int)((uint64_t)pages * page_size / size);

		if (i + 1 < c->n && pages == prev_pages && objs == prev_objs) {
			c->lock[i] = (uint16_t)prev;	/* merged into the larger class */
			continue;
		}
		c->lock[i] = (uint16_t)i;
		prev = i;
		prev_pages = pages;
		prev_objs = objs;
	}
}

void ds_zs_classes_clear(struct ds_zs_classes *c)
{
	g_free(c->lock);
	c->lock = NULL;
}

unsigned int ds_zs_class_index(const struct ds_zs_classes *c, uint32_t size)
{
	unsigned int idx;

	if (size <= c->min_size)
		return 0;
	idx = (size - c->min_size + c->delta - 1) / c->delta;
	return MIN(idx, c->n - 1);
}

unsigned int ds_zs_class_lock(const struct ds_zs_classes *c, uint32_t size)
{
	return c->lock[ds_zs_class_index(c, size)];
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Uniform in [0, 1) from 53 bits of the hash. */
static double unit(uint64_t h)
{
	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t ds_size_key(uint64_t seed, uint64_t rec_ts, int32_t pid, uint64_t value)
{
	return splitmix64(splitmix64(splitmix64(seed) ^ rec_ts) ^ ((uint64_t)(uint32_t)pid << 32) ^
			  value);
}

static uint32_t draw_histogram(const struct ds_size_dist *d, double u)
{
	double total = 0.0, acc = 0.0;

	for (unsigned int i = 0; i < d->nbins; i++)
		total += d->bin_weight[i];
	for (unsigned int i = 0; i < d->nbins; i++) {
		acc += d->bin_weight[i];
		if (u * total < acc)
			return d->bin_size[i];
	}
	return d->bin_size[d->nbins - 1];
}

uint32_t ds_size_draw(const struct ds_profile *prof, uint64_t key, unsigned int page_size)
{
	const struct ds_size_dist *d = &prof->sizes;
	double median = d->median ? (double)d->median : (double)prof->object_bytes;
	double u1, u2, z, s;

	switch (d->kind) {
	case DS_SIZE_LOGNORMAL:
		u1 = 1.0 - unit(splitmix64(key));	/* (0, 1] */
		u2 = unit(splitmix64(key + 1));
		z = sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
		s = round(median * exp(d->sigma * z));
		return (uint32_t)CLAMP(s, 1.0, (double)page_size);
	case DS_SIZE_HISTOGRAM:
		return MIN(draw_histogram(d, unit(splitmix64(key))), page_size);
	case DS_SIZE_FIXED:
	default:
		return (uint32_t)CLAMP(prof->object_bytes, 1u, (uint64_t)page_size);
	}
}
