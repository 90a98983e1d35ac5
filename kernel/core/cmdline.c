/* The kernel command line: words separated by spaces, each "key=value" or
 * a bare "key". The grader uses it to pick a test ("test=timer") and to
 * hand the kernel a per-run random token ("token=..."). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/cmdline.h>
#include <kernel/string.h>

#define VALUE_MAX   128
#define MAX_LOOKUPS 16

static char cmdline[CMDLINE_MAX];
/* cmdline_get returns pointers that must stay valid, so each looked-up
 * value gets its own slot. */
static struct { char key[32]; char value[VALUE_MAX]; } cache[MAX_LOOKUPS];
static int cached;

int cmdline_find(const char *text, const char *key, char *out, size_t size)
{
	size_t keylen = strlen(key);
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		size_t wordlen = p - word;
		if (wordlen < keylen || strncmp(word, key, keylen) != 0)
			continue;
		if (wordlen != keylen && word[keylen] != '=')
			continue;
		const char *value = wordlen == keylen ? word + keylen : word + keylen + 1;
		size_t vlen = word + wordlen - value;
		if (size > 0) {
			size_t n = vlen < size - 1 ? vlen : size - 1;
			memcpy(out, value, n);
			out[n] = '\0';
		}
		return (int)vlen;
	}
	return -ENOENT;
}

void cmdline_init(const char *text)
{
	size_t n = text ? strnlen(text, CMDLINE_MAX - 1) : 0;
	memcpy(cmdline, text, n);
	cmdline[n] = '\0';
}

const char *cmdline_raw(void)
{
	return cmdline;
}

const char *cmdline_get(const char *key)
{
	for (int i = 0; i < cached; i++)
		if (strcmp(cache[i].key, key) == 0)
			return cache[i].value;
	if (cached == MAX_LOOKUPS || strlen(key) >= sizeof(cache[0].key))
		return NULL;
	if (cmdline_find(cmdline, key, cache[cached].value, VALUE_MAX) < 0)
		return NULL;
	memcpy(cache[cached].key, key, strlen(key) + 1);
	return cache[cached++].value;
}
