/*
 * Wasmbox's embedding interface to QuickJS, compiled with it to wasm32-wasi (see README.md).
 *
 * The functions keep the names and signatures of quickjs-emscripten's QTS_* API (c/interface.c, MIT),
 * which Wasmbox drove until it built QuickJS itself: values cross as JSValue* (heap copies the caller
 * frees with QTS_FreeValuePointer); strings as NUL-terminated UTF-8.
 *
 * Imports (module "wasmbox"): host_call, the callback of functions made by QTS_NewFunction. Everything
 * else the C library needs comes through wasi_snapshot_preview1, which the host implements for a sandbox.
 */
/* One translation unit with QuickJS, so that the value writer below can walk shapes and reuse the binary
   format's own helpers (quickjs.c is compiled unchanged, only here). */
#include "quickjs.c"
/* quickjs.c keeps itself to its allocator; this interface hands memory to the host, which uses the C heap */
#undef malloc
#undef free
#undef realloc
#include <stdbool.h>

#define EXPORT(name) __attribute__((export_name(#name)))

__attribute__((import_module("wasmbox"), import_name("host_call")))
JSValue *wasmbox_host_call(JSContext *ctx, JSValueConst *this_ptr, int argc, JSValueConst *argv, int32_t id);

static JSValue *to_heap(JSValueConst value) {
  JSValue *result = malloc(sizeof(JSValue));
  if (result) *result = value;
  return result;
}

EXPORT(malloc) void *wasmbox_malloc(size_t size) { return malloc(size); }
EXPORT(free) void wasmbox_free(void *p) { free(p); }

EXPORT(QTS_NewRuntime) JSRuntime *QTS_NewRuntime(void) { return JS_NewRuntime(); }

EXPORT(QTS_NewContext) JSContext *QTS_NewContext(JSRuntime *rt, int intrinsics) {
  (void)intrinsics; /* always every intrinsic */
  return JS_NewContext(rt);
}

EXPORT(QTS_RuntimeSetMemoryLimit) void QTS_RuntimeSetMemoryLimit(JSRuntime *rt, size_t limit) {
  JS_SetMemoryLimit(rt, limit);
}

EXPORT(QTS_RuntimeSetMaxStackSize) void QTS_RuntimeSetMaxStackSize(JSRuntime *rt, size_t size) {
  JS_SetMaxStackSize(rt, size);
}

static JSValueConst undefined_value = JS_UNDEFINED;
EXPORT(QTS_GetUndefined) JSValueConst *QTS_GetUndefined(void) { return &undefined_value; }

EXPORT(QTS_FreeValuePointer) void QTS_FreeValuePointer(JSContext *ctx, JSValue *value) {
  JS_FreeValue(ctx, *value);
  free(value);
}

EXPORT(QTS_FreeCString) void QTS_FreeCString(JSContext *ctx, const char *str) { JS_FreeCString(ctx, str); }

EXPORT(QTS_NewFloat64) JSValue *QTS_NewFloat64(JSContext *ctx, double num) {
  return to_heap(JS_NewFloat64(ctx, num));
}

EXPORT(QTS_GetFloat64) double QTS_GetFloat64(JSContext *ctx, JSValueConst *value) {
  double result = __builtin_nan("");
  JS_ToFloat64(ctx, &result, *value);
  return result;
}

EXPORT(QTS_NewString) JSValue *QTS_NewString(JSContext *ctx, const char *string) {
  return to_heap(JS_NewString(ctx, string));
}

EXPORT(QTS_GetString) const char *QTS_GetString(JSContext *ctx, JSValueConst *value) {
  return JS_ToCString(ctx, *value);
}

EXPORT(QTS_IsJobPending) int QTS_IsJobPending(JSRuntime *rt) { return JS_IsJobPending(rt); }

EXPORT(QTS_ExecutePendingJob)
JSValue *QTS_ExecutePendingJob(JSRuntime *rt, int max_jobs, JSContext **last_job_context) {
  JSContext *pctx = NULL;
  int status = 1;
  int executed = 0;
  while (executed != max_jobs && status == 1) {
    status = JS_ExecutePendingJob(rt, &pctx);
    if (status == -1) {
      *last_job_context = pctx;
      return to_heap(JS_GetException(pctx));
    } else if (status == 1) {
      *last_job_context = pctx;
      executed++;
    }
  }
  return to_heap(JS_NewFloat64(pctx, executed));
}

EXPORT(QTS_Call)
JSValue *QTS_Call(JSContext *ctx, JSValueConst *func, JSValueConst *this_obj, int argc, JSValueConst **argv_ptrs) {
  JSValueConst argv[argc > 0 ? argc : 1];
  for (int i = 0; i < argc; i++) argv[i] = *(argv_ptrs[i]);
  return to_heap(JS_Call(ctx, *func, *this_obj, argc, argv));
}

EXPORT(QTS_ResolveException) JSValue *QTS_ResolveException(JSContext *ctx, JSValue *maybe_exception) {
  if (JS_IsException(*maybe_exception)) return to_heap(JS_GetException(ctx));
  return NULL;
}

/* Global scripts only (Wasmbox never evaluates modules through this call). */
EXPORT(QTS_Eval)
JSValue *QTS_Eval(JSContext *ctx, const char *code, size_t length, const char *filename, int detect_module,
                  int flags) {
  (void)detect_module;
  return to_heap(JS_Eval(ctx, code, length, filename, flags));
}

/*
 * The driver's eval: indirect eval (a sloppy global script, "<input>"), with the compiled form of recent
 * sources kept, so a script run again skips QuickJS's parser and compiler (about half of a warm `1+1`). A
 * compiled script is a template: each evaluation makes a new closure and binds its global declarations
 * again, exactly as evaluating the source again would. The cache is the sandbox's own memory (the C data of
 * its instance) and counts against its limit: a few slots, short sources only.
 */
#define SCRIPT_SLOTS 16
#define SCRIPT_MAX_LENGTH 16384
static struct {
  JSValue source; /* a flat string while the slot is used, else undefined */
  JSValue script; /* its compiled form (JS_TAG_FUNCTION_BYTECODE) */
} scripts[SCRIPT_SLOTS];
static int next_script_slot;

static bool same_string(JSString *a, JSString *b) {
  return a == b || (a->len == b->len && js_string_memcmp(a, 0, b, 0, a->len) == 0);
}

static JSValue eval_script(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  (void)this_val;
  JSValueConst code = argc > 0 ? argv[0] : JS_UNDEFINED;
  if (JS_VALUE_GET_TAG(code) != JS_TAG_STRING || JS_VALUE_GET_STRING(code)->len > SCRIPT_MAX_LENGTH)
    return JS_EvalObject(ctx, ctx->global_obj, code, JS_EVAL_TYPE_INDIRECT, -1); /* what eval does */
  JSString *text = JS_VALUE_GET_STRING(code);
  for (int i = 0; i < SCRIPT_SLOTS; i++) {
    if (JS_VALUE_GET_TAG(scripts[i].source) == JS_TAG_STRING
        && same_string(JS_VALUE_GET_STRING(scripts[i].source), text))
      return JS_EvalFunction(ctx, JS_DupValue(ctx, scripts[i].script));
  }
  size_t length;
  const char *utf8 = JS_ToCStringLen(ctx, &length, code);
  if (!utf8) return JS_EXCEPTION;
  JSValue script = JS_EvalInternal(ctx, ctx->global_obj, utf8, length, "<input>",
                                   JS_EVAL_TYPE_INDIRECT | JS_EVAL_FLAG_COMPILE_ONLY, -1);
  JS_FreeCString(ctx, utf8);
  if (JS_IsException(script)) return script; /* a syntax error, or out of memory: nothing kept */
  int slot = next_script_slot;
  next_script_slot = (slot + 1) % SCRIPT_SLOTS;
  if (JS_VALUE_GET_TAG(scripts[slot].source) == JS_TAG_STRING) {
    JS_FreeValue(ctx, scripts[slot].source);
    JS_FreeValue(ctx, scripts[slot].script);
  }
  scripts[slot].source = JS_DupValue(ctx, code);
  scripts[slot].script = JS_DupValue(ctx, script);
  return JS_EvalFunction(ctx, script);
}

/* The driver's eval (eval_script), named "eval" so that stack traces read as with the global one. */
EXPORT(wasmbox_new_eval) JSValue *wasmbox_new_eval(JSContext *ctx) {
  for (int i = 0; i < SCRIPT_SLOTS; i++) { /* a new eval starts empty; what an earlier one kept is freed */
    if (JS_VALUE_GET_TAG(scripts[i].source) == JS_TAG_STRING) {
      JS_FreeValue(ctx, scripts[i].source);
      JS_FreeValue(ctx, scripts[i].script);
    }
    scripts[i].source = JS_UNDEFINED;
  }
  next_script_slot = 0;
  return to_heap(JS_NewCFunction(ctx, eval_script, "eval", 1));
}

static JSValue call_host(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic,
                         JSValue *func_data) {
  (void)func_data;
  JSValue *result = wasmbox_host_call(ctx, &this_val, argc, argv, magic);
  if (result == NULL) return JS_UNDEFINED;
  JSValue value = *result;
  free(result);
  return value;
}

/* A function that calls the host_call import with id (as the function's magic). */
EXPORT(QTS_NewFunction)
JSValue *QTS_NewFunction(JSContext *ctx, const char *name, int length, bool is_constructor, int32_t id) {
  JSValue f = JS_NewCFunctionData(ctx, call_host, length, id, 0, NULL);
  if (JS_IsException(f)) return to_heap(f);
  if (name && *name) {
    JSValue name_value = JS_NewString(ctx, name);
    if (JS_IsException(name_value)) {
      JS_FreeValue(ctx, f);
      return to_heap(name_value);
    }
    JS_DefinePropertyValueStr(ctx, f, "name", name_value, JS_PROP_CONFIGURABLE);
  }
  if (is_constructor) JS_SetConstructorBit(ctx, f, is_constructor);
  return to_heap(f);
}

/*
 * Values to the host in QuickJS's binary object format (what JS_WriteObject writes, version BC_VERSION,
 * atoms first), framed for one read: a malloc'd block [u32 length][bytes] the host frees; NULL when the
 * value cannot be written (the exception is dropped).
 *
 * Plain data (null, undefined, booleans, numbers, strings, dense arrays and objects whose prototype is
 * Object.prototype or null, with enumerable string-keyed value properties, each object once, while neither
 * Object.prototype nor Array.prototype has a toJSON) is written here and flagged PLAIN_DATA: JSON.stringify
 * would call nothing on it, so the driver need not walk it again. JS_WriteObject numbers atoms through a
 * table as large as the highest atom index in the runtime (thousands), zeroed on every call: most of a
 * small value's cost. Anything else (getters, other classes, ropes, an object met twice, deep nesting)
 * goes to JS_WriteObject itself, whose output the host reads or refuses as before.
 */
#define WRITER_MAX_ATOMS 256 /* open addressing: at most half full */
#define WRITER_MAX_DEPTH 200

typedef struct ValueWriter {
  BCWriterState bc; /* its dbuf and ctx, for the format's own put helpers */
  JSObject *object_proto;
  JSObject *array_proto;
  DynBuf marked;    /* JSObject* whose tmp_mark this writer set */
  JSAtom atoms[WRITER_MAX_ATOMS];
  uint32_t index[WRITER_MAX_ATOMS];
  JSAtom order[WRITER_MAX_ATOMS / 2];
  int atom_count;
} ValueWriter;

/* 0: written; -1: not plain data (or out of memory): use JS_WriteObject */
static int write_plain(ValueWriter *w, JSValueConst v, int depth);

static int put_atom(ValueWriter *w, JSAtom atom) {
  if (__JS_AtomIsTaggedInt(atom)) {
    bc_put_leb128(&w->bc, (__JS_AtomToUInt32(atom) << 1) | 1);
    return 0;
  }
  uint32_t slot = (atom * 2654435761u) % WRITER_MAX_ATOMS;
  while (w->atoms[slot] != JS_ATOM_NULL && w->atoms[slot] != atom) slot = (slot + 1) % WRITER_MAX_ATOMS;
  if (w->atoms[slot] == JS_ATOM_NULL) {
    if (w->atom_count == WRITER_MAX_ATOMS / 2) return -1;
    w->atoms[slot] = atom;
    w->index[slot] = 1 + w->atom_count; /* first_atom is 1 without bytecode */
    w->order[w->atom_count++] = atom;
  }
  bc_put_leb128(&w->bc, w->index[slot] << 1);
  return 0;
}

static int write_object(ValueWriter *w, JSObject *p, int depth) {
  JSShape *sh = p->shape;
  JSShapeProperty *pr;
  uint32_t i, count = 0;
  for (i = 0, pr = get_shape_prop(sh); i < sh->prop_count; i++, pr++) {
    if (pr->atom == JS_ATOM_NULL || !(pr->flags & JS_PROP_ENUMERABLE)) continue;
    if (!JS_AtomIsString(w->bc.ctx, pr->atom)) continue;
    if (pr->flags & JS_PROP_TMASK) return -1; /* a getter or the like */
    count++;
  }
  bc_put_u8(&w->bc, BC_TAG_OBJECT);
  bc_put_leb128(&w->bc, count);
  for (i = 0, pr = get_shape_prop(sh); i < sh->prop_count; i++, pr++) {
    if (pr->atom == JS_ATOM_NULL || !(pr->flags & JS_PROP_ENUMERABLE)) continue;
    if (!JS_AtomIsString(w->bc.ctx, pr->atom)) continue;
    if (put_atom(w, pr->atom) || write_plain(w, p->prop[i].u.value, depth + 1)) return -1;
  }
  return 0;
}

static int write_plain(ValueWriter *w, JSValueConst v, int depth) {
  if (depth > WRITER_MAX_DEPTH) return -1;
  switch (JS_VALUE_GET_NORM_TAG(v)) {
  case JS_TAG_NULL:
    bc_put_u8(&w->bc, BC_TAG_NULL);
    return 0;
  case JS_TAG_UNDEFINED:
    bc_put_u8(&w->bc, BC_TAG_UNDEFINED);
    return 0;
  case JS_TAG_BOOL:
    bc_put_u8(&w->bc, BC_TAG_BOOL_FALSE + JS_VALUE_GET_INT(v));
    return 0;
  case JS_TAG_INT:
    bc_put_u8(&w->bc, BC_TAG_INT32);
    bc_put_sleb128(&w->bc, JS_VALUE_GET_INT(v));
    return 0;
  case JS_TAG_FLOAT64: {
    JSFloat64Union u;
    u.d = JS_VALUE_GET_FLOAT64(v);
    bc_put_u8(&w->bc, BC_TAG_FLOAT64);
    bc_put_u64(&w->bc, u.u64);
    return 0;
  }
  case JS_TAG_STRING:
    bc_put_u8(&w->bc, BC_TAG_STRING);
    JS_WriteString(&w->bc, JS_VALUE_GET_STRING(v));
    return 0;
  case JS_TAG_OBJECT: {
    JSObject *p = JS_VALUE_GET_OBJ(v);
    JSObject *proto = p->shape->proto;
    if (p->tmp_mark) return -1; /* met before: a cycle or a shared object, which the format refers to */
    p->tmp_mark = 1;
    if (dbuf_put(&w->marked, (uint8_t *)&p, sizeof(p))) {
      p->tmp_mark = 0;
      return -1;
    }
    /* plain objects (or with a null prototype) and arrays only: a class's instance may have a toJSON */
    if (p->class_id == JS_CLASS_OBJECT) {
      if (proto != NULL && proto != w->object_proto) return -1;
      return write_object(w, p, depth);
    }
    if (p->class_id != JS_CLASS_ARRAY || !p->fast_array || proto != w->array_proto) return -1;
    /* a dense array: its length is its element count and its only own enumerable property */
    if (p->shape->prop_count != 1) return -1;
    uint32_t length;
    if (JS_VALUE_GET_TAG(p->prop[0].u.value) != JS_TAG_INT) return -1;
    length = JS_VALUE_GET_INT(p->prop[0].u.value);
    if (length != p->u.array.count) return -1;
    bc_put_u8(&w->bc, BC_TAG_ARRAY);
    bc_put_leb128(&w->bc, length);
    for (uint32_t i = 0; i < length; i++) {
      if (write_plain(w, p->u.array.u.values[i], depth + 1)) return -1;
    }
    return 0;
  }
  default:
    return -1;
  }
}

/* The top bit of the length says the writer below checked the value is plain data (see wasmbox_write_value). */
#define PLAIN_DATA 0x80000000u

static uint8_t *framed(const uint8_t *head, size_t head_length, const uint8_t *body, size_t body_length,
                       uint32_t flags) {
  uint8_t *out = malloc(4 + head_length + body_length);
  if (!out) return NULL;
  uint32_t length = (head_length + body_length) | flags;
  memcpy(out, &length, 4);
  memcpy(out + 4, head, head_length);
  if (body_length) memcpy(out + 4 + head_length, body, body_length);
  return out;
}

/* Plain data as described above, or NULL (also when Object.prototype or Array.prototype has a toJSON). */
static uint8_t *write_plain_framed(JSContext *ctx, JSValueConst value) {
  ValueWriter w;
  JSProperty *unused;
  uint8_t *out = NULL;
  w.object_proto = JS_VALUE_GET_OBJ(ctx->class_proto[JS_CLASS_OBJECT]);
  w.array_proto = JS_VALUE_GET_OBJ(ctx->class_proto[JS_CLASS_ARRAY]);
  if (find_own_property(&unused, w.object_proto, JS_ATOM_toJSON)) return NULL;
  if (find_own_property(&unused, w.array_proto, JS_ATOM_toJSON)) return NULL;
  memset(&w.bc, 0, sizeof(w.bc));
  memset(w.atoms, 0, sizeof(w.atoms));
  w.atom_count = 0;
  w.bc.ctx = ctx;
  js_dbuf_init(ctx, &w.bc.dbuf);
  js_dbuf_init(ctx, &w.marked);
  int failed = write_plain(&w, value, 0);
  JSObject **marked = (JSObject **)w.marked.buf;
  for (size_t i = 0; i < w.marked.size / sizeof(JSObject *); i++) marked[i]->tmp_mark = 0;
  dbuf_free(&w.marked);
  if (!failed && !w.bc.dbuf.error) {
    DynBuf body = w.bc.dbuf;
    js_dbuf_init(ctx, &w.bc.dbuf);
    bc_put_u8(&w.bc, BC_VERSION);
    bc_put_leb128(&w.bc, w.atom_count);
    for (int i = 0; i < w.atom_count; i++) JS_WriteString(&w.bc, ctx->rt->atom_array[w.order[i]]);
    if (!w.bc.dbuf.error) out = framed(w.bc.dbuf.buf, w.bc.dbuf.size, body.buf, body.size, PLAIN_DATA);
    dbuf_free(&body);
  }
  dbuf_free(&w.bc.dbuf);
  return out;
}

EXPORT(wasmbox_write_value) uint8_t *wasmbox_write_value(JSContext *ctx, JSValueConst *value) {
  uint8_t *out = write_plain_framed(ctx, *value);
  if (out) return out;
  size_t length;
  uint8_t *buffer = JS_WriteObject(ctx, &length, *value, JS_WRITE_OBJ_REFERENCE);
  if (!buffer) {
    JS_FreeValue(ctx, JS_GetException(ctx));
    return NULL;
  }
  out = framed(buffer, length, NULL, 0, 0);
  js_free(ctx, buffer);
  return out;
}

/*
 * Values from the host (an invoke's arguments, src/main/java/.../Bjson.java): the binary object format,
 * read as JS_ReadObject reads it, except objects. JS_ReadObject defines an object's properties one by one,
 * and the shapes in between die with the object, so every record rebuilds its shape: a clone and a resize
 * per property. Here a small cache keeps the final shape of each key sequence seen (a reference to it: the
 * shape holds its keys' atoms), and an object with the same keys in the same order is made from it with
 * its values filled in, as an object literal's template would be.
 */
#define READER_SHAPES 32
#define READER_MAX_PROPS 64

typedef struct CachedShape {
  JSShape *shape;
  uint32_t count;
  JSAtom atoms[READER_MAX_PROPS];
} CachedShape;

static CachedShape shape_cache[READER_SHAPES];
static int shape_cache_next;

static JSShape *cached_shape(const JSAtom *atoms, uint32_t count) {
  for (int i = 0; i < READER_SHAPES; i++) {
    CachedShape *e = &shape_cache[i];
    if (e->shape && e->count == count && memcmp(e->atoms, atoms, count * sizeof(JSAtom)) == 0) return e->shape;
  }
  return NULL;
}

static void remember_shape(JSRuntime *rt, JSShape *sh, const JSAtom *atoms, uint32_t count) {
  CachedShape *e = &shape_cache[shape_cache_next];
  shape_cache_next = (shape_cache_next + 1) % READER_SHAPES;
  if (e->shape) js_free_shape(rt, e->shape);
  e->shape = js_dup_shape(sh);
  e->count = count;
  memcpy(e->atoms, atoms, count * sizeof(JSAtom));
}

static JSValue read_value(BCReaderState *s);

static JSValue read_object(BCReaderState *s) {
  JSContext *ctx = s->ctx;
  uint32_t count, i, read = 0;
  if (bc_get_leb128(s, &count)) return JS_EXCEPTION;
  if (count > READER_MAX_PROPS) {
    JSValue obj = JS_NewObject(ctx);
    if (JS_IsException(obj)) return obj;
    for (i = 0; i < count; i++) {
      JSAtom atom;
      if (bc_get_atom(s, &atom)) goto fail_big;
      JSValue v = read_value(s);
      int ret = JS_IsException(v) ? -1 : JS_DefinePropertyValue(ctx, obj, atom, v, JS_PROP_C_W_E);
      JS_FreeAtom(ctx, atom);
      if (ret < 0) goto fail_big;
    }
    return obj;
  fail_big:
    JS_FreeValue(ctx, obj);
    return JS_EXCEPTION;
  }
  JSAtom atoms[READER_MAX_PROPS];
  JSValue values[READER_MAX_PROPS];
  bool cacheable = true;
  for (; read < count; read++) {
    if (bc_get_atom(s, &atoms[read])) goto fail;
    values[read] = read_value(s);
    if (JS_IsException(values[read])) {
      JS_FreeAtom(ctx, atoms[read]);
      goto fail;
    }
    /* index keys are ordered apart from the shape's order: leave them to the general path */
    if (__JS_AtomIsTaggedInt(atoms[read])) cacheable = false;
  }
  JSShape *sh = cacheable ? cached_shape(atoms, count) : NULL;
  JSValue obj;
  if (sh) {
    obj = JS_NewObjectFromShape(ctx, js_dup_shape(sh), JS_CLASS_OBJECT, NULL);
    if (JS_IsException(obj)) goto fail;
    JSObject *p = JS_VALUE_GET_OBJ(obj);
    for (i = 0; i < count; i++) {
      p->prop[i].u.value = values[i];
      JS_FreeAtom(ctx, atoms[i]);
    }
    return obj;
  }
  obj = JS_NewObject(ctx);
  if (JS_IsException(obj)) goto fail;
  for (i = 0; i < count; i++) {
    JSValue v = values[i];
    values[i] = JS_UNDEFINED;
    if (JS_DefinePropertyValue(ctx, obj, atoms[i], v, JS_PROP_C_W_E) < 0) {
      JS_FreeValue(ctx, obj);
      goto fail;
    }
  }
  /* a repeated key leaves fewer properties than keys: such a sequence is not remembered */
  JSShape *built = JS_VALUE_GET_OBJ(obj)->shape;
  if (cacheable && count > 0 && built->prop_count == count) remember_shape(ctx->rt, built, atoms, count);
  for (i = 0; i < count; i++) JS_FreeAtom(ctx, atoms[i]);
  return obj;
fail:
  for (i = 0; i < read; i++) {
    JS_FreeAtom(ctx, atoms[i]);
    JS_FreeValue(ctx, values[i]);
  }
  return JS_EXCEPTION;
}

static JSValue read_array(BCReaderState *s) {
  JSContext *ctx = s->ctx;
  uint32_t length;
  if (bc_get_leb128(s, &length)) return JS_EXCEPTION;
  if (length > (uint32_t)(s->buf_end - s->ptr)) return JS_ThrowSyntaxError(ctx, "invalid array length");
  JSValue array = JS_NewArray(ctx);
  if (JS_IsException(array)) return array;
  JSObject *p = JS_VALUE_GET_OBJ(array);
  if (length > 0 && expand_fast_array(ctx, p, length) < 0) goto fail;
  for (uint32_t i = 0; i < length; i++) {
    JSValue v = read_value(s);
    if (JS_IsException(v)) goto fail;
    p->u.array.u.values[i] = v;
    p->u.array.count = i + 1;
  }
  set_value(ctx, &p->prop[0].u.value, JS_NewInt32(ctx, length));
  return array;
fail:
  JS_FreeValue(ctx, array);
  return JS_EXCEPTION;
}

static JSValue read_value(BCReaderState *s) {
  if (js_check_stack_overflow(s->ctx->rt, 0)) return JS_ThrowStackOverflow(s->ctx);
  if (s->ptr >= s->buf_end) return JS_ReadObjectRec(s); /* its error for a truncated buffer */
  switch (*s->ptr) {
  case BC_TAG_OBJECT:
    s->ptr++;
    return read_object(s);
  case BC_TAG_ARRAY:
    s->ptr++;
    return read_array(s);
  default:
    return JS_ReadObjectRec(s); /* scalars (and anything else the format holds) as QuickJS reads them */
  }
}

/* The value a buffer in the binary object format describes; frees the buffer. */
EXPORT(wasmbox_read_value) JSValue *wasmbox_read_value(JSContext *ctx, uint8_t *buffer, size_t length) {
  BCReaderState state;
  memset(&state, 0, sizeof(state));
  state.ctx = ctx;
  state.buf_start = buffer;
  state.ptr = buffer;
  state.buf_end = buffer + length;
  state.first_atom = 1;
  JSValue value = JS_ReadObjectAtoms(&state) ? JS_EXCEPTION : read_value(&state);
  bc_reader_free(&state);
  free(buffer);
  return to_heap(value);
}
