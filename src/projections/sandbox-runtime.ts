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
    var h = hasOwn.call(P.when, type) ? P.when[type] : P.any;
    if (!h) return 0;
    try {
      var event = makeEvent(type, dataJson, metaJson, position, streamId, version, timestamp, id);
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
      var h = hasOwn.call(P.when, type) ? P.when[type] : P.any;
      if (!h) return '[]';
      return stringify(keysOf(makeEvent(type, dataJson, metaJson, position, streamId, version, timestamp, id)));
    } catch (e) { fail(e); return null; }
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
