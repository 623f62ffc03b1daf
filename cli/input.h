/*
 * input.h: the inputs a command names, where "-" stands for standard
 * input. Standard input is read whole into memory, once, and parsed from
 * that buffer; its messages name it "<stdin>" (as "<stdin>:3:7: error:
 * ..."). A scenario read from it has no directory of its own: the paths
 * it names (service_tags) are relative to the current directory.
 */
#ifndef FTSIM_INPUT_H
#define FTSIM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "topology/diag.h"

/* The name standard input goes by in messages and outputs. */
#define INPUT_STDIN "<stdin>"

/* Largest standard input read, in bytes: an Azure export may be larger
 * than a scenario (whose own cap, SCENARIO_MAX_BYTES, still applies). */
#define INPUT_MAX_BYTES (256u << 20)

/* True for the argument "-". */
bool input_is_stdin(const char *arg);

/* The name an argument goes by in messages: INPUT_STDIN for "-". */
const char *input_name(const char *arg);

/*
 * Read standard input to its end, at most max bytes, into a buffer that is
 * the caller's to free (NUL-terminated, *len excludes the NUL). Standard
 * input can be read once: a second call is an error ("-" named twice).
 * 0, or -1 after reporting through d.
 */
int input_read_stdin(char **buf, size_t *len, size_t max, struct diag *d);

/*
 * Whether text read from standard input is an Azure export (JSON) rather
 * than a scenario (YAML), since it has no file name to tell: it starts
 * (after a byte-order mark and blanks) with "{" then a quoted key or "}",
 * or with "[" then a value, and it is not a scenario written in JSON
 * syntax (an object with a "scenario" key, which is YAML too). A UTF-16
 * byte-order mark counts as JSON: the JSON reader says what to do.
 */
bool input_is_json(const char *buf, size_t len);

#endif
