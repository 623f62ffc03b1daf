/*
 * fuzz_tags.c: libFuzzer harness for the Service Tags JSON reader.
 *
 * The input is a ServiceTags_*.json file's bytes. A file that loads is
 * queried the way the NSG code queries it (tag lookup, membership).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "topology/tags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tagset *ts = NULL;
	struct diag d;
	size_t i, k;

	diag_init(&d);
	if (tagset_parse("fuzz.json", (const char *)data, size, &ts, &d) != 0) {
		if (d.errors == 0 || ts != NULL)
			abort();
		diag_free(&d);
		return 0;
	}
	for (i = 0; i < ts->ntags; i++) {
		const struct tag *tg = &ts->tags[i];
		const struct tag *found = tagset_find(ts, tg->name);

		/* The lookup finds the first tag of that name, in any case. */
		if (found == NULL || found > tg ||
		    strcasecmp(found->name, tg->name) != 0)
			abort();
		/* Every published prefix is inside its tag. */
		for (k = 0; k < tg->npfx; k++)
			if (!tag_contains(tg, tg->pfx[k].addr) ||
			    !tag_contains(tg, tg->pfx[k].addr |
			    ~pfx_mask(tg->pfx[k].len)))
				abort();
	}
	tagset_free(ts);
	diag_free(&d);
	return 0;
}
