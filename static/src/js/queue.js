/* Noticed's outbox: reports wait in IndexedDB until the server has them, then are removed.
   Loaded by every page and by the service worker (self.NoticedQueue). Rules:
   - a report is written here first, then sent; the request body is built once and kept,
     so every retry is the same request and the server recognises a replay;
   - it is removed only after 200 or 201, whose answer names the report's receipt code: the one
     made here, or the server's when another report already held that one; the code announced
     as sent is the server's;
   - 409 and other 4xx answers are final: the report is kept and shown to the person, never
     dropped and never retried by itself; network errors, 5xx, 408 and 429 are retried with
     exponential backoff and jitter, from 1 s up to 5 minutes;
   - reports go one at a time, oldest first, under a lock shared by tabs and the worker;
   - each try's outcome is kept on the record (lastOutcome: 'offline' when no answer came,
     'retry' when the server answered with a retryable error), so the page can say which. */
(function (root) {
  'use strict';
  var DB_NAME = 'noticed';
  var STORE = 'outbox';
  var CHANNEL = 'noticed-outbox';
  var MIN_DELAY = 1000;
  var MAX_DELAY = 300000;
  var dbPromise = null;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var store = request.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
          store.createIndex('id', 'id', { unique: true });
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        Promise.resolve(work(tx.objectStore(STORE))).then(function (value) { result = value; }, reject);
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function announce(detail) {
    if (typeof BroadcastChannel !== 'undefined') {
      var channel = new BroadcastChannel(CHANNEL);
      channel.postMessage(detail || { type: 'changed' });
      channel.close();
    }
  }

  function newReceipt() {
    var alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    var bytes = new Uint8Array(12);
    root.crypto.getRandomValues(bytes);
    var chars = '';
    for (var i = 0; i < 12; i++) {
      chars += alphabet[bytes[i] & 31];
      if (i === 3 || i === 7) chars += '-';
    }
    return chars;
  }

  function newId() {
    if (root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  /* fields: the report's JSON fields (without id/receipt/attachments); attachments: [{name, type, data}] */
  function enqueue(report) {
    var body = Object.assign({}, report.fields, {
      id: report.id, receipt: report.receipt, attachments: report.attachments || []
    });
    var record = {
      id: report.id,
      receipt: report.receipt,
      fields: report.fields,
      body: new Blob([JSON.stringify(body)], { type: 'application/json' }),
      createdAt: Date.now(),
      attempts: 0,
      nextAttemptAt: 0,
      lastAttemptAt: null,
      lastOutcome: null,
      state: 'waiting',
      problem: null
    };
    if (root.navigator && navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(function () {});
    }
    return withStore('readwrite', function (store) {
      return promisify(store.add(record));
    }).then(function () { announce(); return record; });
  }

  function all() {
    return withStore('readonly', function (store) { return promisify(store.getAll()); });
  }

  function update(record) {
    return withStore('readwrite', function (store) { return promisify(store.put(record)); });
  }

  function removeById(id) {
    return withStore('readwrite', function (store) {
      return promisify(store.index('id').getKey(id)).then(function (seq) {
        if (seq !== undefined) return promisify(store.delete(seq));
      });
    });
  }

  function backoff(attempts) {
    var ceiling = Math.min(MAX_DELAY, MIN_DELAY * Math.pow(2, Math.max(0, attempts - 1)));
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }

  function retryable(status) {
    return status >= 500 || status === 408 || status === 429;
  }

  function sendOne(record, apiUrl) {
    record.attempts += 1;
    record.lastAttemptAt = Date.now();
    return fetch(apiUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Noticed-Attempt': String(record.attempts) },
      body: record.body,
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (typeof answer.receipt === 'string' && /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(answer.receipt)) {
            record.receipt = answer.receipt;
          }
          return removeById(record.id);
        }).then(function () {
          announce({ type: 'sent', id: record.id, receipt: record.receipt, sentAt: Date.now() });
          return 'sent';
        });
      }
      if (retryable(response.status)) {
        record.lastOutcome = 'retry'; // the server answered, busy or failing: not the connection
        record.nextAttemptAt = Date.now() + backoff(record.attempts);
        return update(record).then(function () { return 'retry'; });
      }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        record.state = 'attention';
        record.problem = { status: response.status, message: answer.message || null, errors: answer.errors || null };
        return update(record).then(function () { return 'attention'; });
      });
    }, function () {
      record.lastOutcome = 'offline';
      record.nextAttemptAt = Date.now() + backoff(record.attempts);
      return update(record).then(function () { return 'offline'; });
    });
  }

  function flushUnlocked(apiUrl, options) {
    var force = options && options.force;
    return all().then(function (records) {
      var due = records.filter(function (r) {
        return r.state === 'waiting' && (force || r.nextAttemptAt <= Date.now());
      });
      var i = 0;
      function next() {
        if (i >= due.length) return Promise.resolve();
        return sendOne(due[i++], apiUrl).then(function (outcome) {
          // No connection: the rest would fail too, and must stay in order behind this one.
          if (outcome === 'offline' || outcome === 'retry') return;
          return next();
        });
      }
      return next();
    }).then(all).then(function (records) {
      announce();
      return records.filter(function (r) { return r.state === 'waiting'; }).length;
    });
  }

  /* Resolves with the number of reports still waiting to be sent. */
  function flush(apiUrl, options) {
    if (root.navigator && navigator.locks && navigator.locks.request) {
      return navigator.locks.request(CHANNEL, function () { return flushUnlocked(apiUrl, options); });
    }
    return flushUnlocked(apiUrl, options);
  }

  root.NoticedQueue = {
    enqueue: enqueue, all: all, flush: flush, removeById: removeById,
    newId: newId, newReceipt: newReceipt, channelName: CHANNEL
  };
})(self);
