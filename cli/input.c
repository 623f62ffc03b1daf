/*
 * input.c: standard input as a command's input ("-").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/input.h"

/* Set once standard input has been read (or its read has failed). */
static bool input_stdin_used;

bool
input_is_stdin(const char *arg)
{
	return arg != NULL && strcmp(arg, "-") == 0;
}

const char *
input_name(const char *arg)
{
	return input_is_stdin(arg) ? INPUT_STDIN : arg;
}

int
input_read_stdin(char **out, size_t *outlen, size_t max, struct diag *d)
{
	struct srcpos unknown = { INPUT_STDIN, 0, 0 };
	struct srcpos start = { INPUT_STDIN, 1, 1 };
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	ssize_t got;

	if (input_stdin_used) {
		diag_error(d, unknown, "standard input (\"-\") can be read "
		    "once: name it as one input only");
		return -1;
	}
	input_stdin_used = true;
	for (;;) {
		/* Room for one more byte and the NUL; at most max + 2 bytes,
		 * so that an input larger than max is seen as such. */
		if (cap - len < 2) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 2)
				cap = max + 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				diag_nomem(d, unknown);
				goto fail;
			}
			buf = nbuf;
		}
		got = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			diag_error(d, unknown, "cannot read: %s",
			    strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > max) {
			diag_error(d, start, "standard input is larger than "
			    "%zu MiB", max >> 20);
			goto fail;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
fail:
	free(buf);
	return -1;
}

/* The first byte at or after i that is not JSON white space. */
static size_t
skip_ws(const char *b, size_t len, size_t i)
{
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
	    b[i] == '\r'))
		i++;
	return i;
}

bool
input_is_json(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t i = 0, j;
	json_t *root;
	bool scenario;

	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	    (u[0] == 0xFE && u[1] == 0xFF)))
		return true;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		i = 3;
	i = skip_ws(buf, len, i);
	if (i >= len || (buf[i] != '{' && buf[i] != '['))
		return false;
	j = skip_ws(buf, len, i + 1);
	if (j >= len)
		return true;		/* cut short: JSON says where */
	if (buf[i] == '{' ? buf[j] != '"' && buf[j] != '}' :
	    strchr("{[]\"", buf[j]) == NULL)
		return false;
	/* A scenario in JSON syntax is read as the YAML it also is. */
	root = json_loadb(buf + i, len - i, 0, NULL);
	scenario = json_is_object(root) &&
	    json_object_get(root, "scenario") != NULL;
	json_decref(root);
	return !scenario;
}
