/* The draw's loops over every row of a frame, in C (本地加速): sorting a cell's lines at the freeze and
 * ranking a cell's ids by HMAC at the draw. Each gives exactly the bytes and pairs the Python code of
 * spotcheck.draw.target_frames / target_ranking gives (which stays the reference and the fallback where this
 * module is not built); the tests compare the two on random frames. SHA-256 is OpenSSL's (libcrypto, with the
 * processor's SHA instructions where it has them); the sort is a radix sort on 8 bytes of each id, the C library's
 * qsort where those tie. Ids are compared as bytes: UTF-8's byte order is the order of the code points, as
 * DRAW-SPEC sorts them. */
#define PY_SSIZE_T_CLEAN
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX's copy is the cheapest way to key an HMAC once for all ids */
#include <Python.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An id: where it starts and how many bytes it has. */
typedef struct {
    const unsigned char *at;
    Py_ssize_t size;
} Span;

/* Byte order, a prefix first: the order of Python's bytes (and, over UTF-8, of its str). */
static int compare(const Span *a, const Span *b) {
    Py_ssize_t common = a->size < b->size ? a->size : b->size;
    int c = common ? memcmp(a->at, b->at, (size_t)common) : 0;
    if (c) return c;
    return (a->size > b->size) - (a->size < b->size);
}

/* data.split(separator) as spans (NULL and *count = -1 when out of memory): Python's split, left to right. */
static Span *split(const unsigned char *data, Py_ssize_t size, const unsigned char *separator, Py_ssize_t length,
                   Py_ssize_t *count) {
    Py_ssize_t n = 1;
    const unsigned char *at = data, *end = data + size, *found;
    while ((found = memmem(at, (size_t)(end - at), separator, (size_t)length)) != NULL) {
        n++;
        at = found + length;
    }
    Span *spans = malloc(sizeof(Span) * (size_t)n);
    if (spans == NULL) {
        *count = -1;
        return NULL;
    }
    Py_ssize_t i = 0;
    at = data;
    while ((found = memmem(at, (size_t)(end - at), separator, (size_t)length)) != NULL) {
        spans[i].at = at;
        spans[i++].size = found - at;
        at = found + length;
    }
    spans[i].at = at;
    spans[i].size = end - at;
    *count = n;
    return spans;
}

/* An id to sort: the 8 bytes after the ids' common prefix as a number (zeros past its end), then the id. Ordering by
 * the number first is ordering by the bytes, the ids compared only on a tie: a city's codes, which share their
 * region and kind, are told apart by the number alone. */
typedef struct {
    uint64_t key;
    Span id;
} Keyed;

/* qsort's comparison of two ids (compare), for the runs of ids whose keys tie. */
static int compare_ids(const void *a, const void *b) {
    return compare(&((const Keyed *)a)->id, &((const Keyed *)b)->id);
}

/* keyed sorted by key (least significant digit first, 16 bits a pass, stable; a pass where every key has the same
 * digit is skipped), then each run of equal keys by its whole ids (compare_ids): linear in the ids where a
 * comparison sort grows with n log n (a cell of 400,000 codes: 0.087 -> 0.026 s against qsort_r, split and lines
 * included; 4,000,000: 1.38 -> 0.66 s). */
static int radix_sort(Keyed *keyed, Py_ssize_t count) {
    enum { PASSES = 4, DIGITS = 1 << 16 };
    Keyed *other = malloc(sizeof(Keyed) * (size_t)count);
    size_t *counts = calloc((size_t)PASSES * DIGITS, sizeof(size_t));
    if (other == NULL || counts == NULL) {
        free(other);
        free(counts);
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        for (int p = 0; p < PASSES; p++) counts[p * DIGITS + (keyed[i].key >> (16 * p) & 0xffff)]++;
    Keyed *from = keyed, *to = other;
    for (int p = 0; p < PASSES; p++) {
        size_t *at = counts + p * DIGITS, next = 0;
        if (at[from[0].key >> (16 * p) & 0xffff] == (size_t)count) continue; /* one digit for all: nothing moves */
        for (int d = 0; d < DIGITS; d++) {
            size_t n = at[d];
            at[d] = next;
            next += n;
        }
        for (Py_ssize_t i = 0; i < count; i++) to[at[from[i].key >> (16 * p) & 0xffff]++] = from[i];
        Keyed *swap = from;
        from = to;
        to = swap;
    }
    if (from != keyed) memcpy(keyed, from, sizeof(Keyed) * (size_t)count);
    free(other);
    free(counts);
    for (Py_ssize_t i = 0, j; i < count; i = j) {
        for (j = i + 1; j < count && keyed[j].key == keyed[i].key; j++) {}
        if (j - i > 1) qsort(keyed + i, (size_t)(j - i), sizeof(Keyed), compare_ids);
    }
    return 0;
}

/* The spans sorted in byte order (compare), through Keyed. */
static int sort_spans(Span *spans, Py_ssize_t count) {
    if (count < 2) return 0;
    Py_ssize_t common = spans[0].size;
    for (Py_ssize_t i = 1; i < count && common; i++) {
        Py_ssize_t n = spans[i].size < common ? spans[i].size : common, j = 0;
        while (j < n && spans[i].at[j] == spans[0].at[j]) j++;
        common = j;
    }
    Keyed *keyed = malloc(sizeof(Keyed) * (size_t)count);
    if (keyed == NULL) return -1;
    for (Py_ssize_t i = 0; i < count; i++) {
        uint64_t key = 0;
        for (Py_ssize_t j = common; j < common + 8; j++) key = key << 8 | (j < spans[i].size ? spans[i].at[j] : 0);
        keyed[i].key = key;
        keyed[i].id = spans[i];
    }
    if (radix_sort(keyed, count) < 0) {
        free(keyed);
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) spans[i] = keyed[i].id;
    free(keyed);
    return 0;
}

/* cell_lines(ids, prefix, count) -> (problem, lines): the cell's ids (joined by newlines, in any order) sorted,
 * each written as prefix + id + newline. problem: 0 when clean; 1 when the ids are not ``count`` or one is empty;
 * 2 when one holds a tab or '|'; 3 when one repeats (then lines is empty). */
static PyObject *cell_lines(PyObject *self, PyObject *args) {
    Py_buffer ids, prefix;
    Py_ssize_t expected;
    if (!PyArg_ParseTuple(args, "y*y*n", &ids, &prefix, &expected)) return NULL;
    const unsigned char *data = ids.buf;
    int problem = 0;
    Py_ssize_t count = 0;
    Span *spans = NULL;
    PyObject *out = NULL;
    Py_BEGIN_ALLOW_THREADS
    spans = split(data, ids.len, (const unsigned char *)"\n", 1, &count);
    if (spans != NULL) {
        if (count != expected) problem = 1;
        for (Py_ssize_t i = 0; !problem && i < count; i++)
            if (spans[i].size == 0) problem = 1;
        if (!problem && (memchr(data, '\t', (size_t)ids.len) || memchr(data, '|', (size_t)ids.len))) problem = 2;
        if (!problem) {
            if (sort_spans(spans, count) < 0) {
                free(spans);
                spans = NULL;
            }
            for (Py_ssize_t i = 1; spans != NULL && !problem && i < count; i++)
                if (compare(&spans[i - 1], &spans[i]) == 0) problem = 3;
        }
    }
    Py_END_ALLOW_THREADS
    if (spans == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (problem) {
        out = Py_BuildValue("(iy#)", problem, "", (Py_ssize_t)0);
        goto done;
    }
    Py_ssize_t total = count * (prefix.len + 1) + (ids.len - (count - 1));
    PyObject *lines = PyBytes_FromStringAndSize(NULL, total);
    if (lines == NULL) goto done;
    unsigned char *write = (unsigned char *)PyBytes_AS_STRING(lines);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        memcpy(write, prefix.buf, (size_t)prefix.len);
        write += prefix.len;
        memcpy(write, spans[i].at, (size_t)spans[i].size);
        write += spans[i].size;
        *write++ = '\n';
    }
    Py_END_ALLOW_THREADS
    out = Py_BuildValue("(iN)", 0, lines);
done:
    free(spans);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&prefix);
    return out;
}

/* HMAC-SHA256 keyed once (RFC 2104) for many messages that begin with prefix: the inner state has taken the key's
 * inner pad and the prefix, the outer state the key's outer pad; a message's HMAC is then a copy of each, two updates
 * and two digests. */
static void keyed(const Py_buffer *key_buffer, const Py_buffer *prefix, SHA256_CTX *inner, SHA256_CTX *outer) {
    unsigned char key[SHA256_CBLOCK] = {0}, pad[SHA256_CBLOCK];
    if (key_buffer->len > SHA256_CBLOCK)
        SHA256(key_buffer->buf, (size_t)key_buffer->len, key);
    else
        memcpy(key, key_buffer->buf, (size_t)key_buffer->len);
    for (int i = 0; i < SHA256_CBLOCK; i++) pad[i] = key[i] ^ 0x36;
    SHA256_Init(inner);
    SHA256_Update(inner, pad, SHA256_CBLOCK);
    SHA256_Update(inner, prefix->buf, (size_t)prefix->len);
    for (int i = 0; i < SHA256_CBLOCK; i++) pad[i] = key[i] ^ 0x5c;
    SHA256_Init(outer);
    SHA256_Update(outer, pad, SHA256_CBLOCK);
}

/* A picked id: its index and its key. */
typedef struct {
    Py_ssize_t index;
    unsigned char key[SHA256_DIGEST_LENGTH];
} Picked;

/* pick(seed, prefix, data, separator, bound) -> (clean, first, last, pairs): the ids of data.split(separator),
 * each keyed K = HMAC-SHA256(seed, prefix + id) (RFC 2104); clean when every id is non-empty and each is greater
 * than the one before; the first and the last id; pairs: (K, id) for every id whose K is less than bound (as
 * bytes), in the ids' order. */
static PyObject *pick(PyObject *self, PyObject *args) {
    Py_buffer seed, prefix, data, separator, bound;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*", &seed, &prefix, &data, &separator, &bound)) return NULL;
    PyObject *out = NULL;
    Picked *picked = NULL;
    Span *spans = NULL;
    Py_ssize_t count = 0, found = 0;
    int clean = 1;
    if (separator.len == 0) {
        PyErr_SetString(PyExc_ValueError, "empty separator");
        goto done;
    }
    SHA256_CTX inner, outer, work;
    keyed(&seed, &prefix, &inner, &outer);
    Span limit = {bound.buf, bound.len};
    Py_BEGIN_ALLOW_THREADS
    spans = split(data.buf, data.len, separator.buf, separator.len, &count);
    Py_ssize_t room = 64;
    picked = spans ? malloc(sizeof(Picked) * (size_t)room) : NULL;
    for (Py_ssize_t i = 0; picked != NULL && i < count; i++) {
        if (spans[i].size == 0 || (i > 0 && compare(&spans[i - 1], &spans[i]) >= 0)) clean = 0;
        unsigned char digest[SHA256_DIGEST_LENGTH];
        work = inner;
        SHA256_Update(&work, spans[i].at, (size_t)spans[i].size);
        SHA256_Final(digest, &work);
        work = outer;
        SHA256_Update(&work, digest, SHA256_DIGEST_LENGTH);
        SHA256_Final(digest, &work);
        Span mac = {digest, SHA256_DIGEST_LENGTH};
        if (compare(&mac, &limit) >= 0) continue;
        if (found == room) {
            room *= 2;
            Picked *grown = realloc(picked, sizeof(Picked) * (size_t)room);
            if (grown == NULL) {
                free(picked);
                picked = NULL;
                break;
            }
            picked = grown;
        }
        picked[found].index = i;
        memcpy(picked[found++].key, digest, SHA256_DIGEST_LENGTH);
    }
    Py_END_ALLOW_THREADS
    if (picked == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    PyObject *pairs = PyList_New(found);
    if (pairs == NULL) goto done;
    for (Py_ssize_t i = 0; i < found; i++) {
        const Span *id = &spans[picked[i].index];
        PyObject *pair = Py_BuildValue("(y#y#)", picked[i].key, (Py_ssize_t)SHA256_DIGEST_LENGTH, id->at, id->size);
        if (pair == NULL) {
            Py_DECREF(pairs);
            goto done;
        }
        PyList_SET_ITEM(pairs, i, pair);
    }
    out = Py_BuildValue("(Ny#y#N)", PyBool_FromLong(clean), spans[0].at, spans[0].size, spans[count - 1].at,
                        spans[count - 1].size, pairs);
done:
    free(picked);
    free(spans);
    PyBuffer_Release(&seed);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&data);
    PyBuffer_Release(&separator);
    PyBuffer_Release(&bound);
    return out;
}

/* tokens(key, prefix, data, separator) -> bytes: for each id of data.split(separator), in order, the 64 lowercase hex
 * characters of SHA-256(salt || id) where salt = HMAC-SHA256(key, prefix + id) (DRAW-SPEC "Blinded draws": the
 * token), joined by newlines. */
static PyObject *tokens(PyObject *self, PyObject *args) {
    Py_buffer key_buffer, prefix, data, separator;
    if (!PyArg_ParseTuple(args, "y*y*y*y*", &key_buffer, &prefix, &data, &separator)) return NULL;
    PyObject *out = NULL;
    Span *spans = NULL;
    Py_ssize_t count = 0;
    if (separator.len == 0) {
        PyErr_SetString(PyExc_ValueError, "empty separator");
        goto done;
    }
    SHA256_CTX inner, outer, work;
    keyed(&key_buffer, &prefix, &inner, &outer);
    spans = split(data.buf, data.len, separator.buf, separator.len, &count);
    if (spans == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    out = PyBytes_FromStringAndSize(NULL, count * 65 - 1);
    if (out == NULL) goto done;
    unsigned char *write = (unsigned char *)PyBytes_AS_STRING(out);
    static const char hex[] = "0123456789abcdef";
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        unsigned char salt[SHA256_DIGEST_LENGTH], digest[SHA256_DIGEST_LENGTH];
        work = inner;
        SHA256_Update(&work, spans[i].at, (size_t)spans[i].size);
        SHA256_Final(salt, &work);
        work = outer;
        SHA256_Update(&work, salt, SHA256_DIGEST_LENGTH);
        SHA256_Final(salt, &work);
        SHA256_Init(&work);
        SHA256_Update(&work, salt, SHA256_DIGEST_LENGTH);
        SHA256_Update(&work, spans[i].at, (size_t)spans[i].size);
        SHA256_Final(digest, &work);
        for (int j = 0; j < SHA256_DIGEST_LENGTH; j++) {
            *write++ = (unsigned char)hex[digest[j] >> 4];
            *write++ = (unsigned char)hex[digest[j] & 15];
        }
        if (i + 1 < count) *write++ = '\n';
    }
    Py_END_ALLOW_THREADS
done:
    free(spans);
    PyBuffer_Release(&key_buffer);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&data);
    PyBuffer_Release(&separator);
    return out;
}

/* blind_sorted(key, prefix, ids, count) -> (problem, tokens, codes): a cell's ids (joined by newlines, in any order)
 * blinded and sorted by token in one pass (DRAW-SPEC "Blinded draws", the freeze of a version 3 draw): tokens, each
 * token's 32 bytes (SHA-256(salt || id), salt = HMAC-SHA256(key, prefix + id)) in ascending order, one after the
 * other; codes, the ids in the same order, each followed by a newline. problem as cell_lines gives it: 0 when clean;
 * 1 when the ids are not ``count`` or one is empty; 2 when one holds a tab or '|'; 3 when one repeats (two equal
 * tokens; then tokens and codes are empty). Raw bytes sort as their lowercase hex does: the order of the published
 * lines. */
static PyObject *blind_sorted(PyObject *self, PyObject *args) {
    Py_buffer key_buffer, prefix, ids;
    Py_ssize_t expected;
    if (!PyArg_ParseTuple(args, "y*y*y*n", &key_buffer, &prefix, &ids, &expected)) return NULL;
    const unsigned char *data = ids.buf;
    int problem = 0, failed = 0;
    Py_ssize_t count = 0;
    Span *spans = NULL;
    unsigned char *made = NULL;
    Keyed *sorted = NULL;
    PyObject *out = NULL, *tokens_out = NULL, *codes_out = NULL;
    SHA256_CTX inner, outer, work;
    keyed(&key_buffer, &prefix, &inner, &outer);
    Py_BEGIN_ALLOW_THREADS
    spans = split(data, ids.len, (const unsigned char *)"\n", 1, &count);
    if (spans == NULL) failed = 1;
    if (!failed) {
        if (count != expected) problem = 1;
        for (Py_ssize_t i = 0; !problem && i < count; i++)
            if (spans[i].size == 0) problem = 1;
        if (!problem && (memchr(data, '\t', (size_t)ids.len) || memchr(data, '|', (size_t)ids.len))) problem = 2;
    }
    if (!failed && !problem) {
        made = malloc((size_t)count * SHA256_DIGEST_LENGTH + 1);
        sorted = malloc(sizeof(Keyed) * (size_t)count + 1);
        if (made == NULL || sorted == NULL) failed = 1;
    }
    if (!failed && !problem) {
        for (Py_ssize_t i = 0; i < count; i++) {
            unsigned char salt[SHA256_DIGEST_LENGTH], *token = made + i * SHA256_DIGEST_LENGTH;
            work = inner;
            SHA256_Update(&work, spans[i].at, (size_t)spans[i].size);
            SHA256_Final(salt, &work);
            work = outer;
            SHA256_Update(&work, salt, SHA256_DIGEST_LENGTH);
            SHA256_Final(salt, &work);
            SHA256_Init(&work);
            SHA256_Update(&work, salt, SHA256_DIGEST_LENGTH);
            SHA256_Update(&work, spans[i].at, (size_t)spans[i].size);
            SHA256_Final(token, &work);
            uint64_t number = 0;
            for (int j = 0; j < 8; j++) number = number << 8 | token[j];
            sorted[i].key = number;
            sorted[i].id.at = token;
            sorted[i].id.size = SHA256_DIGEST_LENGTH;
        }
        if (count > 1 && radix_sort(sorted, count) < 0) failed = 1;
        for (Py_ssize_t i = 1; !failed && !problem && i < count; i++)
            if (compare(&sorted[i - 1].id, &sorted[i].id) == 0) problem = 3;
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    if (problem) {
        out = Py_BuildValue("(iy#y#)", problem, "", (Py_ssize_t)0, "", (Py_ssize_t)0);
        goto done;
    }
    tokens_out = PyBytes_FromStringAndSize(NULL, count * SHA256_DIGEST_LENGTH);
    codes_out = PyBytes_FromStringAndSize(NULL, ids.len + 1);
    if (tokens_out == NULL || codes_out == NULL) goto done;
    unsigned char *write_token = (unsigned char *)PyBytes_AS_STRING(tokens_out);
    unsigned char *write_code = (unsigned char *)PyBytes_AS_STRING(codes_out);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        const Span *id = &spans[(sorted[i].id.at - made) / SHA256_DIGEST_LENGTH];
        memcpy(write_token, sorted[i].id.at, SHA256_DIGEST_LENGTH);
        write_token += SHA256_DIGEST_LENGTH;
        memcpy(write_code, id->at, (size_t)id->size);
        write_code += id->size;
        *write_code++ = '\n';
    }
    Py_END_ALLOW_THREADS
    out = Py_BuildValue("(iOO)", 0, tokens_out, codes_out);
done:
    Py_XDECREF(tokens_out);
    Py_XDECREF(codes_out);
    free(sorted);
    free(made);
    free(spans);
    PyBuffer_Release(&key_buffer);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&ids);
    return out;
}

/* hex_joined(tokens, separator) -> bytes: the 64 lowercase hex characters of each 32 bytes of tokens, joined by
 * separator (a version 3 frame kept as raw tokens, written back as the published file's cell: spotcheck.draw.
 * token_frames). */
static PyObject *hex_joined(PyObject *self, PyObject *args) {
    Py_buffer made, separator;
    if (!PyArg_ParseTuple(args, "y*y*", &made, &separator)) return NULL;
    PyObject *out = NULL;
    if (made.len % SHA256_DIGEST_LENGTH) {
        PyErr_SetString(PyExc_ValueError, "tokens are 32 bytes each");
        goto done;
    }
    Py_ssize_t count = made.len / SHA256_DIGEST_LENGTH;
    out = PyBytes_FromStringAndSize(NULL, count ? count * 64 + (count - 1) * separator.len : 0);
    if (out == NULL) goto done;
    unsigned char *write = (unsigned char *)PyBytes_AS_STRING(out);
    const unsigned char *read = made.buf;
    static const char hex[] = "0123456789abcdef";
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        if (i) {
            memcpy(write, separator.buf, (size_t)separator.len);
            write += separator.len;
        }
        for (int j = 0; j < SHA256_DIGEST_LENGTH; j++, read++) {
            *write++ = (unsigned char)hex[*read >> 4];
            *write++ = (unsigned char)hex[*read & 15];
        }
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&made);
    PyBuffer_Release(&separator);
    return out;
}

static PyMethodDef methods[] = {
    {"cell_lines", cell_lines, METH_VARARGS, "A cell's ids sorted as frame lines: (problem, lines)."},
    {"pick", pick, METH_VARARGS, "The ids keyed by HMAC-SHA256 under a bound: (clean, first, last, pairs)."},
    {"tokens", tokens, METH_VARARGS, "Each id's blinded token, joined by newlines."},
    {"hex_joined", hex_joined, METH_VARARGS, "Each 32 bytes' hex, joined by a separator."},
    {"blind_sorted", blind_sorted, METH_VARARGS, "A cell's ids blinded and sorted by token: (problem, tokens, codes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
