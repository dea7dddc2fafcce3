// SPDX-License-Identifier: MIT
/*
 * origin.c - where a cost comes from (spec §4.4): the tags of profiles/README.md.
 *
 * The shipped profiles mark each value in the comment above its key: [S] stated by the series,
 * [M] measured (on that machine, not in the trace being replayed), [D] derived from stated or
 * measured figures, [C] calibrated on one run, [F] fitted to a published figure, [A] scaled
 * from another machine's value by an assumption, [G] a guess.  A key without a tag of its own
 * shares the tag of the key above it (profiles group keys under one comment).  When a comment
 * carries several tags ("[D]+[G]") the value is only as good as its weakest part, so the
 * weakest wins: enum ds_origin is ordered from strongest to weakest for that reason.  Run-time
 * origins (measured in the trace, set on the command line, scaled by a sweep) are not tags:
 * the code that changes a value sets them.
 */
#include <string.h>

#include "ds_sim.h"

struct origin_desc {
	char tag;
	const char *name;
	const char *meaning;
};

/* Indexed by enum ds_origin. */
static const struct origin_desc origins[DS_ORIGIN__COUNT] = {
	[DS_ORIGIN_UNSTATED] = { 0, "unstated", "no origin stated in the profile" },
	[DS_ORIGIN_TRACE] = { 0, "measured", "measured in this trace" },
	[DS_ORIGIN_STATED] = { 'S', "stated", "stated by the series" },
	[DS_ORIGIN_MEASURED] = { 'M', "measured-elsewhere",
				 "measured on that machine, not in this trace" },
	[DS_ORIGIN_DERIVED] = { 'D', "derived", "derived from published figures" },
	[DS_ORIGIN_CALIBRATED] = { 'C', "calibrated", "calibrated on one run" },
	[DS_ORIGIN_FITTED] = { 'F', "fitted", "fitted to a published figure" },
	[DS_ORIGIN_SET] = { 0, "set", "set on the command line (--set)" },
	[DS_ORIGIN_SCALED] = { 'A', "scaled", "scaled from another value by an assumption" },
	[DS_ORIGIN_GUESSED] = { 'G', "guessed", "a guess" },
};

const char *ds_origin_name(enum ds_origin o)
{
	return (unsigned int)o < DS_ORIGIN__COUNT ? origins[o].name : "unstated";
}

const char *ds_origin_meaning(enum ds_origin o)
{
	return (unsigned int)o < DS_ORIGIN__COUNT ? origins[o].meaning : origins[0].meaning;
}

static enum ds_origin origin_of_tag(char tag)
{
	for (unsigned int i = 0; i < DS_ORIGIN__COUNT; i++)
		if (origins[i].tag && origins[i].tag == tag)
			return (enum ds_origin)i;
	return DS_ORIGIN_UNSTATED;
}

bool ds_origin_from_comment(const char *comment, enum ds_origin *origin)
{
	enum ds_origin weakest = DS_ORIGIN_UNSTATED;
	bool found = false;

	for (const char *s = comment; s && (s = strchr(s, '[')); s++) {
		enum ds_origin o;

		/* "[X]", "[X, upper bound]" or "[X x base]" with X one known tag letter;
		 * "[profile]", "[base x86-desktop]" and the like are not tags */
		if (!s[1] || (s[2] != ']' && s[2] != ' ' && s[2] != ','))
			continue;
		o = origin_of_tag(s[1]);
		if (o == DS_ORIGIN_UNSTATED)
			continue;
		if (!found || o > weakest)
			weakest = o;
		found = true;
	}
	if (found)
		*origin = weakest;
	return found;
}
