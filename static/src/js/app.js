/* Page enhancements: the service worker, the report form's outbox, the outbox status line,
   copy buttons and the install button. Every page works without this file. Its words come
   from the page (translated on the server), never from here. */
(function () {
  'use strict';
  var body = document.body;
  var lang = body.getAttribute('data-lang');
  var localeTag = document.documentElement.lang; // BCP 47 (zh-Hans), unlike the catalog code (zh_Hans)
  var apiUrl = body.getAttribute('data-api');
  var Queue = window.NoticedQueue;
  var strings = document.getElementById('queue-strings');
  var retryTimer = null;

  function text(name, count) {
    var value = strings ? strings.getAttribute('data-' + name) || '' : '';
    return value.replace('{count}', String(count));
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function flush(force) {
    if (!Queue) return Promise.resolve();
    return Queue.flush(apiUrl, { force: force }).then(scheduleRetry, scheduleRetry);
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    return Queue.all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === 'waiting'; });
      if (!waiting.length) return;
      var soonest = Math.min.apply(null, waiting.map(function (r) { return r.nextAttemptAt; }));
      retryTimer = setTimeout(function () { flush(false); }, Math.max(1000, soonest - Date.now()));
    });
  }

  function reportAsText(record) {
    var f = record.fields || {};
    return [f.kind, f.description, f.involved, f.location, f.occurred_at, f.contact]
      .filter(Boolean).join('\n\n') + '\n\n' + record.receipt;
  }

  function copy(value, done) {
    var finish = function () { if (done) done(); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(finish, function () { window.prompt('', value); });
    } else {
      window.prompt('', value);
    }
  }

  function button(label, onClick, secondary) {
    var b = el('button', secondary ? 'secondary' : '', label);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function renderStatus() {
    var box = document.getElementById('queue-status');
    if (!box || !Queue) return;
    Queue.all().then(function (records) {
      box.textContent = '';
      var waiting = records.filter(function (r) { return r.state === 'waiting'; });
      var stuck = records.filter(function (r) { return r.state === 'attention'; });
      if (waiting.length) {
        box.appendChild(el('p', '', text('waiting', waiting.length)));
        var last = Math.max.apply(null, waiting.map(function (r) { return r.lastAttemptAt || 0; }));
        if (last) box.appendChild(el('p', '', text('last-try', 0).replace('{time}', new Date(last).toLocaleTimeString(localeTag, { hour: '2-digit', minute: '2-digit' }))));
        var actions = el('p');
        actions.appendChild(button(text('send-now'), function () { flush(true); }));
        actions.appendChild(button(text('copy'), function () { copy(waiting.map(reportAsText).join('\n\n---\n\n')); }, true));
        box.appendChild(actions);
      }
      stuck.forEach(function (record) {
        var problem = record.problem || {};
        var details = problem.errors ? Object.keys(problem.errors).map(function (k) { return problem.errors[k]; }).join(' ') : '';
        box.appendChild(el('p', 'error', text('attention') + ' ' + (problem.message || details)));
        var row = el('p');
        if (problem.status === 422) {
          row.appendChild(button(text('edit'), function () {
            window.location.href = body.getAttribute('data-report-url') + '?edit=' + encodeURIComponent(record.id);
          }));
        }
        row.appendChild(button(text('copy'), function () { copy(reportAsText(record)); }, true));
        row.appendChild(button(text('discard'), function () {
          if (window.confirm(text('discard-confirm'))) Queue.removeById(record.id).then(renderStatus);
        }, true));
        box.appendChild(row);
      });
      box.hidden = !(waiting.length || stuck.length);
    });
  }

  function fileAsBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(',')[1] || ''); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  function formFields(form) {
    var data = new FormData(form);
    var fields = { language: lang };
    ['kind', 'description', 'danger_now', 'involved', 'location', 'occurred_at', 'contact', 'place'].forEach(function (name) {
      var value = data.get(name);
      if (value) fields[name] = String(value);
    });
    // The hidden honeypot (HONEYPOT_FIELD_NAME in app/reporting/forms.py), which the API calls
    // `website`: empty, so not sent, unless a bot or an autofill filled it.
    var honeypot = data.get('follow_up_topic');
    if (honeypot) fields.website = String(honeypot);
    fields.still_happening = data.get('still_happening') !== null;
    return fields;
  }

  function fillForm(form, record) {
    var fields = record.fields || {};
    Object.keys(fields).forEach(function (name) {
      var inputs = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(inputs, function (input) {
        if (input.type === 'radio') input.checked = input.value === fields[name];
        else if (input.type === 'checkbox') input.checked = fields[name] === true;
        else input.value = fields[name];
      });
    });
    form.dataset.receipt = record.receipt;
    form.dataset.replaces = record.id;
  }

  function sentAtText(sentAt) {
    // The reader's own clock and language; the day too unless it is today.
    var when = new Date(sentAt || Date.now());
    var today = new Date().toDateString() === when.toDateString();
    var options = today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    var formatted;
    try {
      formatted = new Intl.DateTimeFormat(localeTag, options).format(when);
    } catch (error) {
      formatted = when.toLocaleString();
    }
    return text('sent-at').replace('{time}', formatted);
  }

  /* The receipt says at its top what is true now: being sent, not sent yet (and why), needing
     the person, or sent (and when). With "danger now: yes", while not sent, it says that nobody
     has it yet and that 911 is the way. */
  function showReceipt(form, record) {
    var template = document.getElementById('queued-template');
    var section = template.content.firstElementChild.cloneNode(true);
    section.querySelector('[data-slot=receipt]').textContent = record.receipt;
    var state = section.querySelector('[data-slot=state]');
    var dangerUnsent = section.querySelector('[data-slot=danger-unsent]');
    var dangerNow = (record.fields || {}).danger_now === 'yes';
    var sent = false;
    state.textContent = text('saved-sending');
    if ((record.fields || {}).kind === 'self_harm') section.querySelector('[data-slot=crisis]').hidden = false;
    section.querySelector('[data-copy-receipt]').addEventListener('click', function () {
      copy(record.receipt, function () { section.querySelector('[data-slot=copied]').hidden = false; });
    });
    form.replaceWith(section);
    section.focus();

    function notSentYet(message) {
      if (state.textContent !== message) state.textContent = message;
      dangerUnsent.hidden = !dangerNow;
    }
    function refresh() {
      if (sent) return;
      Queue.all().then(function (records) {
        var mine = records.filter(function (r) { return r.id === record.id; })[0];
        if (sent || !mine) return; // gone: the 'sent' message says so (or it was deleted)
        if (mine.state === 'attention') {
          var problem = mine.problem || {};
          notSentYet(text('attention') + (problem.message ? ' ' + problem.message : ''));
        } else if (mine.attempts > 0) {
          notSentYet(text(mine.lastOutcome === 'retry' ? 'not-sent-busy' : 'not-sent-offline'));
        } else if (navigator.onLine === false) {
          notSentYet(text('not-sent-offline'));
        }
      });
    }
    function onMessage(detail) {
      if (detail && detail.type === 'sent' && detail.id === record.id) {
        sent = true;
        if (detail.receipt && detail.receipt !== record.receipt) {
          // The server stored the report under a code of its own: that one is the person's now.
          record.receipt = detail.receipt;
          section.querySelector('[data-slot=receipt]').textContent = detail.receipt;
          section.querySelector('[data-slot=copied]').hidden = true;
          section.querySelector('[data-slot=receipt-changed]').hidden = false;
        }
        dangerUnsent.hidden = true;
        state.textContent = sentAtText(detail.sentAt);
        section.querySelector('[data-slot=heading]').textContent = text('sent-heading');
      } else {
        refresh();
      }
    }
    listen(onMessage);
    window.addEventListener('offline', refresh);
    refresh();
  }

  function enhanceForm() {
    var form = document.getElementById('report-form');
    if (!form || !Queue) return;
    // A copy of the form served from the cache offline lost its ?place=: take it from the address.
    var placeField = form.querySelector('[name=place]');
    var placeInUrl = new URLSearchParams(window.location.search).get('place');
    if (placeField && !placeField.value && placeInUrl) placeField.value = placeInUrl.toUpperCase().slice(0, 16);
    var pending = null;
    var editing = new URLSearchParams(window.location.search).get('edit');
    if (editing) {
      Queue.all().then(function (records) {
        var record = records.filter(function (r) { return r.id === editing; })[0];
        if (record) fillForm(form, record);
      });
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (pending) return; // a second tap while the first is being saved
      var description = form.querySelector('[name=description]');
      var kindChosen = form.querySelector('[name=kind]:checked');
      if (!description.value.trim() || !kindChosen) {
        form.submit(); // the server shows the translated errors, same as without JavaScript
        return;
      }
      var files = Array.prototype.slice.call((form.querySelector('[name=photos]') || {}).files || [], 0, 3);
      var report = { id: form.dataset.reportId || Queue.newId(), receipt: form.dataset.receipt || Queue.newReceipt() };
      form.dataset.reportId = report.id;
      form.dataset.receipt = report.receipt;
      report.fields = formFields(form);
      pending = Promise.all(files.map(function (file) {
        return fileAsBase64(file).then(function (data) { return { name: 'photo', type: file.type, data: data }; });
      })).then(function (attachments) {
        report.attachments = attachments;
        return Queue.enqueue(report);
      }).then(function (record) {
        // A corrected report replaces the refused one; it keeps the receipt the person saved.
        if (form.dataset.replaces) Queue.removeById(form.dataset.replaces);
        showReceipt(form, record);
        if (navigator.serviceWorker && navigator.serviceWorker.ready) {
          navigator.serviceWorker.ready.then(function (reg) {
            if (reg.sync) reg.sync.register('noticed-send').catch(function () {});
          });
        }
        return flush(true);
      }, function () {
        pending = null;
        form.submit(); // storage refused (private mode, full disk): send the plain form instead
      });
    });
  }

  function listen(handler) {
    if (typeof BroadcastChannel === 'undefined' || !Queue) return;
    var channel = new BroadcastChannel(Queue.channelName);
    channel.onmessage = function (event) { handler(event.data); };
  }

  function registerWorker() {
    if (!('serviceWorker' in navigator)) return;
    var banner = document.getElementById('update-ready');
    navigator.serviceWorker.register(body.getAttribute('data-sw'), { scope: '/' }).then(function (reg) {
      function offerUpdate(worker) {
        if (!worker || !navigator.serviceWorker.controller) return;
        banner.hidden = false;
        document.getElementById('update-reload').onclick = function () { worker.postMessage({ type: 'skip-waiting' }); };
      }
      offerUpdate(reg.waiting);
      reg.addEventListener('updatefound', function () {
        var worker = reg.installing;
        worker.addEventListener('statechange', function () { if (worker.state === 'installed') offerUpdate(worker); });
      });
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      reg.active.postMessage({ type: 'keep-language', lang: lang });
    }).catch(function () {});
    var reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', function () {
      if (reloading || banner.hidden) return;
      reloading = true;
      window.location.reload();
    });
  }

  function enhanceCopyButtons() {
    var code = document.getElementById('receipt-code');
    var copyButton = document.querySelector('[data-copy-receipt]');
    if (!code || !copyButton) return;
    copyButton.hidden = false;
    copyButton.addEventListener('click', function () {
      copy(code.textContent.trim(), function () { document.querySelector('[data-slot=copied]').hidden = false; });
    });
  }

  function enhanceInstall() {
    var area = document.getElementById('install-area');
    if (!area) return;
    window.addEventListener('beforeinstallprompt', function (event) {
      event.preventDefault();
      area.hidden = false;
      document.getElementById('install-button').onclick = function () {
        event.prompt();
        area.hidden = true;
      };
    });
  }

  enhanceForm();
  enhanceCopyButtons();
  enhanceInstall();
  registerWorker();
  listen(renderStatus);
  window.addEventListener('online', function () { flush(true); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') flush(false); });
  renderStatus();
  flush(true);
})();
