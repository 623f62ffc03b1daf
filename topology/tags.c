/*
 * tags.c: service-tag sets, from Microsoft's Service Tags JSON (jansson)
 * or from the list compiled into ftsim (tags_builtin.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "topology/tags.h"
#include "topology/tags_builtin.h"

static int
iv_cmp(const void *a, const void *b)
{
	const struct ipinterval *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

size_t
iv_normalize(struct ipinterval *iv, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(iv, n, sizeof(*iv), iv_cmp);
	for (i = 1; i < n; i++) {
		/* Merge overlapping or adjacent intervals. */
		if (iv[i].lo <= iv[out].hi ||
		    (iv[out].hi != UINT32_MAX && iv[i].lo == iv[out].hi + 1)) {
			if (iv[i].hi > iv[out].hi)
				iv[out].hi = iv[i].hi;
		} else {
			iv[++out] = iv[i];
		}
	}
	return out + 1;
}

bool
iv_contains(const struct ipinterval *iv, size_t n, uint32_t ip)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ip < iv[mid].lo)
			hi = mid;
		else if (ip > iv[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

size_t
iv_prefixes(const struct ipinterval *iv, size_t n, struct pfx *out,
	    size_t max)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		uint64_t lo = iv[i].lo, hi = iv[i].hi;

		while (lo <= hi) {
			uint8_t len = 32;

			/* Widen while lo stays aligned and the block fits. */
			while (len > 0 &&
			       (lo & ((1ull << (33 - len)) - 1)) == 0 &&
			       lo + (1ull << (33 - len)) - 1 <= hi)
				len--;
			if (count < max)
				out[count] = pfx_make((uint32_t)lo, len);
			count++;
			lo += 1ull << (32 - len);
		}
	}
	return count;
}

int
tag_index(struct tag *tg)
{
	size_t i;

	free(tg->iv);
	tg->iv = NULL;
	tg->niv = 0;
	if (tg->npfx == 0)
		return 0;
	if ((tg->iv = calloc(tg->npfx, sizeof(*tg->iv))) == NULL)
		return -ENOMEM;
	for (i = 0; i < tg->npfx; i++) {
		tg->iv[i].lo = tg->pfx[i].addr;
		tg->iv[i].hi = tg->pfx[i].addr | ~pfx_mask(tg->pfx[i].len);
	}
	tg->niv = iv_normalize(tg->iv, tg->npfx);
	return 0;
}

bool
tag_contains(const struct tag *tg, uint32_t ip)
{
	return tg != NULL && iv_contains(tg->iv, tg->niv, ip);
}

/* By name, then by place. */
static int
tagref_cmp(const void *a, const void *b)
{
	const struct tagref *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int
tagset_index(struct tagset *ts)
{
	size_t i;

	free(ts->byname);
	if ((ts->byname = calloc(ts->ntags + 1, sizeof(*ts->byname))) == NULL)
		return -ENOMEM;
	for (i = 0; i < ts->ntags; i++) {
		ts->byname[i].name = ts->tags[i].name;
		ts->byname[i].idx = i;
	}
	qsort(ts->byname, ts->ntags, sizeof(*ts->byname), tagref_cmp);
	return 0;
}

const struct tag *
tagset_find(const struct tagset *ts, const char *name)
{
	size_t i, lo = 0, hi, mid;

	if (ts == NULL || name == NULL)
		return NULL;
	if (ts->byname == NULL) {
		for (i = 0; i < ts->ntags; i++)
			if (strcasecmp(ts->tags[i].name, name) == 0)
				return &ts->tags[i];
		return NULL;
	}
	/* The first entry not below name: the tag's first place. */
	hi = ts->ntags;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcasecmp(ts->byname[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ts->ntags && strcasecmp(ts->byname[lo].name, name) == 0)
		return &ts->tags[ts->byname[lo].idx];
	return NULL;
}

void
tagset_free(struct tagset *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->ntags; i++) {
		free(ts->tags[i].name);
		free(ts->tags[i].pfx);
		free(ts->tags[i].iv);
	}
	free(ts->tags);
	free(ts->byname);
	free(ts->origin);
	free(ts->cloud);
	free(ts);
}

/*
 * The national clouds' built-in lists are short: ranges that hold each
 * cloud's documented KMS addresses (MODEL.md §4) and its well-known
 * public blocks. They are enough to tell "an Azure IP of this cloud" in
 * the KMS scenarios; load the cloud's own Service Tags file for the
 * complete list.
 */
static const struct builtin_pfx china_cloud[] = {
	{ 0x28480000u, 15 },	/* 40.72.0.0/15 */
	{ 0x2a9f0000u, 16 },	/* 42.159.0.0/16: kms.core.chinacloudapi.cn */
	{ 0x34820000u, 15 },	/* 52.130.0.0/15 */
	{ 0x8bd90000u, 16 },	/* 139.217.0.0/16 */
	{ 0x8bdb0000u, 16 },	/* 139.219.0.0/16 */
	{ 0x9f1b0000u, 16 },	/* 159.27.0.0/16: azkms.core.chinacloudapi.cn */
	{ 0xa3e40000u, 16 },	/* 163.228.0.0/16: azkms.core.chinacloudapi.cn */
};
static const struct builtin_pfx germany_cloud[] = {
	{ 0x33040000u, 15 },	/* 51.4.0.0/15: kms.core.cloudapi.de */
};
static const struct builtin_pfx usgov_cloud[] = {
	{ 0x148c0000u, 15 },	/* 20.140.0.0/15 */
	{ 0x17610000u, 16 },	/* 23.97.0.0/16: kms.core.usgovcloudapi.net */
	{ 0x347e0000u, 15 },	/* 52.126.0.0/15: azkms.core.usgovcloudapi.net */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
tag_from_builtin(struct tag *tg, const char *name,
		 const struct builtin_pfx *p, size_t n)
{
	size_t i;

	if ((tg->name = strdup(name)) == NULL ||
	    (tg->pfx = calloc(n ? n : 1, sizeof(*tg->pfx))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tg->pfx[i] = pfx_make(p[i].addr, p[i].len);
	tg->npfx = n;
	return tag_index(tg);
}

struct tagset *
tagset_builtin(enum cloud c)
{
	struct builtin_tag national = { "AzureCloud", NULL, 0 };
	const struct builtin_tag *src;
	struct tagset *ts;
	size_t i, n;

	switch (c) {
	case CLOUD_CHINA:
		national.pfx = china_cloud, national.n = NELEM(china_cloud);
		break;
	case CLOUD_GERMANY:
		national.pfx = germany_cloud, national.n = NELEM(germany_cloud);
		break;
	case CLOUD_USGOV:
		national.pfx = usgov_cloud, national.n = NELEM(usgov_cloud);
		break;
	default:
		break;
	}
	if (national.pfx != NULL)
		src = &national, n = 1;
	else
		src = builtin_public_tags, n = builtin_public_ntags;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return NULL;
	ts->change_number = national.pfx ? -1 : builtin_public_change;
	ts->origin = strdup(national.pfx ? "built-in (national cloud subset)"
					 : builtin_public_origin);
	ts->tags = calloc(n, sizeof(*ts->tags));
	if (ts->origin == NULL || ts->tags == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		ts->ntags++;
		if (tag_from_builtin(&ts->tags[i], src[i].name, src[i].pfx,
				     src[i].n) != 0)
			goto fail;
	}
	if (tagset_index(ts) != 0)
		goto fail;
	return ts;
fail:
	tagset_free(ts);
	return NULL;
}

/* A jansson error as FILE:LINE:COL. */
static void
json_diag(struct diag *d, const char *name, const json_error_t *e)
{
	struct srcpos pos = { name, e->line > 0 ? e->line : 1,
			      e->column > 0 ? e->column : 1 };

	diag_error(d, pos, "JSON: %s", e->text);
}

/* The JSON shape error, at the start of the file (jansson keeps no
 * positions for decoded values). */
static int
shape_error(struct diag *d, const char *name, const char *what, size_t idx)
{
	struct srcpos pos = { name, 1, 1 };

	if (idx == (size_t)-1)
		diag_error(d, pos, "service tags: %s", what);
	else
		diag_error(d, pos, "service tags: values[%zu]: %s", idx, what);
	return -1;
}

static int
tag_from_json(struct tag *tg, json_t *val, const char *name, size_t idx,
	      struct diag *d)
{
	json_t *jname, *props, *prefixes, *p;
	size_t i, n = 0;

	jname = json_object_get(val, "name");
	props = json_object_get(val, "properties");
	prefixes = props ? json_object_get(props, "addressPrefixes") : NULL;
	if (!json_is_string(jname))
		return shape_error(d, name, "missing string \"name\"", idx);
	if (!json_is_array(prefixes))
		return shape_error(d, name,
		    "missing array \"properties.addressPrefixes\"", idx);
	if ((tg->name = strdup(json_string_value(jname))) == NULL)
		return -1;
	tg->pfx = calloc(json_array_size(prefixes) + 1, sizeof(*tg->pfx));
	if (tg->pfx == NULL)
		return -1;
	json_array_foreach(prefixes, i, p) {
		const char *s = json_string_value(p);
		int rc;

		if (s == NULL)
			return shape_error(d, name,
			    "addressPrefixes holds a non-string", idx);
		if (strchr(s, ':') != NULL)
			continue;	/* IPv6: not modelled */
		if ((rc = pfx_parse(s, &tg->pfx[n])) != 0) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%s: bad prefix \"%.40s\": %s",
				 tg->name, s, pfx_strerror(rc));
			return shape_error(d, name, msg, idx);
		}
		n++;
	}
	tg->npfx = n;
	return tag_index(tg) == 0 ? 0 : -1;
}

int
tagset_parse(const char *name, const char *buf, size_t len,
	     struct tagset **out, struct diag *d)
{
	json_error_t err;
	json_t *root, *values, *cn, *val;
	struct tagset *ts = NULL;
	size_t i;

	*out = NULL;
	/* A UTF-8 byte-order mark (a file saved by PowerShell 5). */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		json_diag(d, name, &err);
		return -1;
	}
	values = json_object_get(root, "values");
	if (!json_is_object(root) || !json_is_array(values)) {
		shape_error(d, name, "expected an object with a \"values\" array",
			    (size_t)-1);
		goto fail;
	}
	if ((ts = calloc(1, sizeof(*ts))) == NULL ||
	    (ts->origin = strdup(name)) == NULL ||
	    (ts->tags = calloc(json_array_size(values) + 1,
			       sizeof(*ts->tags))) == NULL)
		goto oom;
	/* The weekly file has a number, the discovery API a string. */
	cn = json_object_get(root, "changeNumber");
	ts->change_number = json_is_integer(cn) ? (long)json_integer_value(cn)
	    : json_is_string(cn) ? strtol(json_string_value(cn), NULL, 10) : -1;
	if (json_is_string(json_object_get(root, "cloud")) &&
	    (ts->cloud = strdup(json_string_value(
		json_object_get(root, "cloud")))) == NULL)
		goto oom;
	json_array_foreach(values, i, val) {
		size_t before = d->errors;

		ts->ntags++;
		if (!json_is_object(val)) {
			shape_error(d, name, "not an object", i);
			goto fail;
		}
		if (tag_from_json(&ts->tags[i], val, name, i, d) != 0) {
			if (d->errors == before)
				goto oom;
			goto fail;
		}
	}
	if (tagset_index(ts) != 0)
		goto oom;
	json_decref(root);
	*out = ts;
	return 0;
oom:
	diag_set_oom();
	shape_error(d, name, "out of memory", (size_t)-1);
fail:
	tagset_free(ts);
	json_decref(root);
	return -1;
}

/* Largest Service Tags file read; the real one is about 4 MB. */
#define TAGS_MAX_BYTES (256u << 20)

/* A scenario names this file: a FIFO or a device there would hang or
 * run ftsim out of memory, so only a regular file under the cap is read. */
static int
tags_check_file(FILE *f, struct srcpos pos, struct diag *d)
{
	struct stat st;

	if (fstat(fileno(f), &st) != 0)
		diag_error(d, pos, "cannot read service tags file: %s",
			   strerror(errno));
	else if (!S_ISREG(st.st_mode))
		diag_error(d, pos, "service tags file is not a regular file");
	else if ((uintmax_t)st.st_size > TAGS_MAX_BYTES)
		diag_error(d, pos, "service tags file larger than %u MiB",
			   TAGS_MAX_BYTES >> 20);
	else
		return 0;
	return -1;
}

int
tagset_load(const char *path, struct tagset **out, struct diag *d)
{
	struct srcpos pos = { path, 0, 0 };
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		diag_error(d, pos, "cannot open service tags file: %s",
			   strerror(errno));
		return -1;
	}
	if (tags_check_file(f, pos, d) != 0) {
		fclose(f);
		return -1;
	}
	do {
		if (len == cap) {
			char *nb;
			cap = cap ? cap * 2 : 1 << 20;
			if (cap > TAGS_MAX_BYTES ||
			    (nb = realloc(buf, cap)) == NULL) {
				diag_error(d, pos, "service tags file larger "
					   "than %u MiB", TAGS_MAX_BYTES >> 20);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		diag_error(d, pos, "cannot read service tags file: %s",
			   strerror(errno));
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	rc = tagset_parse(path, buf, len, out, d);
	free(buf);
	return rc;
}

bool
tag_name_ok(const char *v)
{
	if (v == NULL || !isalpha((unsigned char)*v))
		return false;
	for (v++; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && *v != '.' && *v != '_' &&
		    *v != '-')
			return false;
	return true;
}
