/*
 * fuzz_azjson.c: libFuzzer harness for the Azure export importer.
 *
 * The input is one or more JSON files as `ftsim import` reads them, cut
 * at NUL bytes (JSON text holds none): "vnet\0routes\0nsg" is three
 * files, so that the cross-file resolution (a subnet's route table in
 * another file, effective routes naming a VNet) is reached too. What
 * loads is then handled as `ftsim import` handles it: written as a
 * scenario and read back, which must succeed; and, as `ftsim whatif`
 * does with an export, checked and built into an engine. Any crash,
 * leak, sanitizer report, a refusal without a message or an import
 * that does not load back is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/azjson.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

/* Files per input: the az CLI example set is five. */
#define FUZZ_MAX_FILES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[FUZZ_MAX_FILES] = {
		"fuzz0.json", "fuzz1.json", "fuzz2.json", "fuzz3.json",
		"fuzz4.json", "fuzz5.json", "fuzz6.json", "fuzz7.json",
	};
	struct azjson_src src[FUZZ_MAX_FILES];
	struct azjson_notes notes = { NULL, 0 };
	const char *p = (const char *)data, *end = p + size, *nul;
	struct topo t, back;
	struct diag d;
	struct sim *s = NULL;
	char *yaml = NULL;
	size_t n = 0, len;

	while (n < FUZZ_MAX_FILES) {
		nul = memchr(p, '\0', (size_t)(end - p));
		src[n].name = names[n];
		src[n].buf = p;
		src[n].len = (size_t)((nul != NULL ? nul : end) - p);
		n++;
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	diag_init(&d);
	if (azjson_parse(src, n, &t, &notes, &d) != 0) {
		/* A refusal must say why, and leave nothing behind. */
		if (d.errors == 0 || notes.n != 0 || t.nvnets != 0)
			abort();
		diag_free(&d);
		return 0;
	}
	if (d.errors != 0)
		abort();
	/* What ftsim import writes must load back. */
	if (yamlout_topo(&t, (const char *const *)notes.line, notes.n, &yaml,
	    &len) != 0)
		abort();
	if (scenario_parse("import.yaml", yaml, len, &back, &d) != 0) {
		diag_print(stderr, &d);
		fwrite(yaml, 1, len, stderr);
		abort();
	}
	topo_free(&back);
	free(yaml);
	if (nsg_check_tags(&t, &d) == 0 && sim_new(&t, &d, &s) == 0)
		sim_free(s);
	azjson_notes_free(&notes);
	topo_free(&t);
	diag_free(&d);
	return 0;
}
