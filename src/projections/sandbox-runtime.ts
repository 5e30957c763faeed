/**
 * The runtime that lives INSIDE the projection's vm context. It is plain JavaScript evaluated in
 * that context, so every object it makes belongs to the sandbox's own realm. The host talks to it
 * only with strings and numbers; nothing of the host realm is ever handed in, which is what keeps
 * `x.constructor.constructor('return process')` from reaching the host.
 */
export const SANDBOX_RUNTIME = String.raw`
'use strict';
(function (g) {
  // Binary buffers live outside the V8 heap, so the thread's heap cap would not count them: a
  // projection could hold gigabytes in Uint8Arrays or WebAssembly memory. None is reachable, so
  // the cap counts everything user code can hold. (%TypedArray% is reached only through these.)
  ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'WebAssembly', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
   'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
   'BigUint64Array'].forEach(function (name) {
    delete g[name];
    Object.defineProperty(g, name, {
      get: function () { throw new ReferenceError(name + ' is not available in projections: binary buffers would escape the memory limit. Events carry JSON and text.'); },
      enumerable: false,
      configurable: false,
    });
  });

  // Globals of a vm context are reached through interceptors; the hot path uses locals instead.
  var parse = JSON.parse, stringify = JSON.stringify, isArray = Array.isArray, toStr = String;
  var hasOwn = Object.prototype.hasOwnProperty;
  var P = null;
  var states = new Map();
  var partitioned = false;
  var lastError = null;
  var logs = [];
  var NONE = '';

  // Each event type seen: its handler (looked up once, not per event) and how many events had it.
  // Past MAX_SLOTS distinct types (a type path that points at ids) the rest are counted together.
  var MAX_SLOTS = 10000;
  var slots = new Map();
  var lastSlot = null;
  var others = { n: 0, matched: 0 };
  function handlerOf(type) { return hasOwn.call(P.when, type) ? P.when[type] : (P.any || null); }
  function slotOf(type) {
    var slot = slots.get(type);
    if (slot !== undefined) return slot;
    slot = { h: handlerOf(type), n: 0 };
    if (slots.size < MAX_SLOTS) slots.set(type, slot);
    else { others.n++; if (slot.h) others.matched++; slot.n = -1; }
    return slot;
  }

  // Where the type is, when the user said (see TypeSource): null, { header: name } or { path: [steps] }.
  var typeFrom = null;
  function typeIn(type, data, metaJson) {
    var v;
    if (typeFrom.path) {
      v = data;
      var path = typeFrom.path;
      for (var i = 0; i < path.length && v !== undefined; i++) v = v !== null && typeof v === 'object' && hasOwn.call(v, path[i]) ? v[path[i]] : undefined;
    } else {
      var m = parse(metaJson);
      if (m !== null && typeof m === 'object') {
        var name = typeFrom.header;
        if (hasOwn.call(m, name)) v = m[name];
        else { var lower = name.toLowerCase(); for (var k in m) if (k.toLowerCase() === lower) { v = m[k]; break; } }
      }
    }
    // Events where it finds no text or number keep the type they had.
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? toStr(v) : type;
  }

  g.console = {
    log: function () { if (logs.length < 1000) logs.push(Array.prototype.map.call(arguments, String).join(' ')); },
  };
  g.console.info = g.console.warn = g.console.error = g.console.debug = g.console.log;

  function fail(e) {
    lastError = {
      name: e && e.name ? String(e.name) : 'Error',
      message: e && e.message !== undefined ? String(e.message) : String(e),
      stack: e && e.stack ? String(e.stack) : '',
    };
    return -1;
  }

  // factory is the user's module compiled in this context as function (module, exports) { ... }.
  g.__load = function (factory) {
    try {
      var module = { exports: {} };
      factory(module, module.exports);
      var def = module.exports && module.exports.__esModule ? module.exports.default : (module.exports.default || module.exports);
      if (!def || typeof def !== 'object') throw new Error('A projection exports an object: export default { init, when: { ... } }');
      if (typeof def.init !== 'function') throw new Error('The projection needs init(): the state before any event');
      var when = def.when || {};
      if (typeof when !== 'object') throw new Error('when must map event types to handlers');
      for (var k in when) if (typeof when[k] !== 'function') throw new Error('when.' + k + ' is not a function');
      if (def.$any !== undefined && typeof def.$any !== 'function') throw new Error('$any must be a function');
      if (def.partitionBy !== undefined && typeof def.partitionBy !== 'function') throw new Error('partitionBy must be a function');
      P = { init: def.init, when: when, any: def.$any, partitionBy: def.partitionBy };
      partitioned = typeof def.partitionBy === 'function';
      // A fixed version may handle other types: the counts stay, the handlers are looked up again.
      slots.forEach(function (slot, type) { slot.h = handlerOf(type); });
      lastError = null;
      return 0;
    } catch (e) { return fail(e); }
  };

  // Events are instances of one shape; metadata is parsed only when a handler reads it.
  function Ev(type, data, metaJson, position, streamId, version, timestamp, id) {
    this.type = type; this.data = data; this._meta = metaJson; this._metaValue = undefined;
    this.position = position; this.streamId = streamId; this.version = version; this.timestamp = timestamp; this.id = id;
  }
  Object.defineProperty(Ev.prototype, 'metadata', {
    get: function () { if (this._metaValue === undefined) this._metaValue = parse(this._meta); return this._metaValue; },
    enumerable: true,
  });
  function makeEvent(type, dataJson, metaJson, position, streamId, version, timestamp, id) {
    return new Ev(type, parse(dataJson), metaJson, position, streamId, version, timestamp, id);
  }

  function keysOf(event) {
    if (!partitioned) return [NONE];
    var k = P.partitionBy(event);
    if (k === null || k === undefined) return [];
    return isArray(k) ? k.map(toStr) : [toStr(k)];
  }

  // Returns how many partitions the event touched, or -1 with the error kept for __error().
  // All partitions of one event are committed together or not at all.
  g.__apply = function (type, dataJson, metaJson, position, streamId, version, timestamp, id) {
    var data;
    if (typeFrom !== null) {
      try { data = parse(dataJson); } catch (e) { return fail(e); }
      type = typeIn(type, data, metaJson);
    }
    var slot = slotOf(type);
    slot.n++;
    lastSlot = slot;
    var h = slot.h;
    if (!h) return 0;
    try {
      var event = typeFrom !== null ? new Ev(type, data, metaJson, position, streamId, version, timestamp, id) : makeEvent(type, dataJson, metaJson, position, streamId, version, timestamp, id);
      var k = partitioned ? P.partitionBy(event) : NONE;
      if (k === null || k === undefined) return 0;
      if (!isArray(k)) {
        // One partition: the common case, without an array per event.
        k = toStr(k);
        var s0 = states.get(k);
        if (s0 === undefined && !states.has(k)) s0 = P.init();
        var r0 = h(s0, event, k);
        states.set(k, r0 === undefined ? s0 : r0);
        return 1;
      }
      var keys = k.map(toStr);
      var next = [];
      for (var i = 0; i < keys.length; i++) {
        var s = states.get(keys[i]);
        if (s === undefined && !states.has(keys[i])) s = P.init();
        var r = h(s, event, keys[i]);
        next.push(r === undefined ? s : r);
      }
      for (var j = 0; j < keys.length; j++) states.set(keys[j], next[j]);
      return keys.length;
    } catch (e) { return fail(e); }
  };

  // The partitions an event would touch (no state change); JSON array, or null on error.
  g.__keys = function (type, dataJson, metaJson, position, streamId, version, timestamp, id) {
    try {
      var data;
      if (typeFrom !== null) type = typeIn(type, (data = parse(dataJson)), metaJson);
      if (!handlerOf(type)) return '[]';
      if (typeFrom === null) data = parse(dataJson);
      return stringify(keysOf(new Ev(type, data, metaJson, position, streamId, version, timestamp, id)));
    } catch (e) { fail(e); return null; }
  };

  g.__typeFrom = function (json) { typeFrom = parse(json); };
  // The type a handler sees for this event (as the run resolved it).
  g.__typeOf = function (type, dataJson, metaJson) {
    if (typeFrom === null) return type;
    try { return typeIn(type, parse(dataJson), metaJson); } catch (e) { return type; }
  };
  // The last event counted is about to be applied again (a retry): it counts once.
  g.__uncount = function () { if (lastSlot !== null && lastSlot.n > 0) lastSlot.n--; lastSlot = null; };
  // What types the run saw: { types: [[type, count, handled]] most frequent first, distinct, matched, handlers, any }.
  g.__types = function () {
    var list = [];
    var matched = others.matched;
    slots.forEach(function (slot, type) { if (slot.n > 0) { list.push([type, slot.n, !!slot.h]); if (slot.h) matched += slot.n; } });
    list.sort(function (a, b) { return b[1] - a[1]; });
    // omitted: events of types past MAX_SLOTS, which are counted but not by type.
    var handlers = Object.keys(P.when);
    var unseen = handlers.filter(function (h) { var slot = slots.get(h); return slot === undefined || slot.n <= 0; });
    return stringify({ types: list.slice(0, 100), distinct: list.length, omitted: others.n, matched: matched, handlers: handlers, unseen: unseen, any: typeof P.any === 'function' });
  };

  g.__error = function () { return stringify(lastError); };
  g.__logs = function () { var out = stringify(logs); logs = []; return out; };
  g.__snapshot = function () { return stringify(Array.from(states.entries())); };
  g.__restore = function (json) { states = new Map(parse(json)); };
  g.__reset = function () { states = new Map(); };
  g.__partitioned = function () { return partitioned; };
  g.__size = function () { return states.size; };
  g.__state = function () {
    try {
      if (partitioned) {
        var out = {};
        states.forEach(function (v, k) { out[k] = v; });
        return stringify(out);
      }
      return stringify(states.has(NONE) ? states.get(NONE) : P.init());
    } catch (e) { fail(e); return null; }
  };
  g.__partitionState = function (key) {
    return stringify(states.has(key) ? states.get(key) : null);
  };
})(globalThis);
`;
