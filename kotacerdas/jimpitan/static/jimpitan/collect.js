/* Jimpitan collection page: keeps recording when the phone loses its signal.
 *
 * Without this script every house is a plain form. With it, a record is put in a queue in
 * localStorage first and sent with fetch; while offline it waits and is sent when the signal
 * returns. Each record carries the form's idempotency key, so a record sent twice (a retry,
 * a second phone) counts once on the server. A small service worker keeps the page itself
 * available offline.
 */
(function () {
  "use strict";
  var QUEUE = "jimpitan-queue-v1";
  var app = document.getElementById("collect-app");
  if (!app) { return; }
  var texts = app.dataset;
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(QUEUE, JSON.stringify(queue)); showQueue(queue); }
  function showQueue(queue) {
    var note = app.querySelector("[data-queue-note]");
    app.querySelector("[data-queue-count]").textContent = String(queue.length);
    note.hidden = queue.length === 0;
  }
  function showOnline() { app.querySelector("[data-offline-note]").hidden = navigator.onLine; }

  function formFor(key) { return document.querySelector("form[data-collect] input[name=idempotency_key][value='" + key + "']"); }
  function mark(key, state, message) {
    var input = formFor(key);
    if (!input) { return; }
    var form = input.form;
    var house = form.closest(".house");
    if (house) {
      house.classList.remove("is-queued", "is-recorded", "is-failed");
      house.classList.add("is-" + state);
    }
    var out = form.querySelector("[data-state]");
    if (out) { out.textContent = message; }
  }

  function enqueue(form, submitter) {
    var data = new FormData(form, submitter || undefined);
    if (!data.get("recorded_at")) { data.set("recorded_at", new Date().toISOString()); }
    var key = String(data.get("idempotency_key"));
    var queue = load();
    if (queue.some(function (item) { return item.key === key; })) { return; }
    queue.push({ key: key, url: form.action, body: new URLSearchParams(data).toString() });
    save(queue);
    mark(key, "queued", texts.textQueued);
  }

  function tally(body) {
    var count = document.querySelector("[data-recorded-count]");
    if (count) { count.textContent = String(Number(count.textContent) + 1); }
    var cash = document.querySelector("[data-cash-total]");
    if (cash && body.method === "cash") {
      var total = Number(cash.dataset.value) + Number(body.amount);
      cash.dataset.value = String(total);
      cash.textContent = total.toLocaleString(document.documentElement.lang || undefined);
    }
  }

  function drop(key) { save(load().filter(function (item) { return item.key !== key; })); }

  function send(item) {
    return fetch(item.url, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" }
    }).then(function (response) {
      var kind = response.headers.get("Content-Type") || "";
      var answer = kind.indexOf("application/json") >= 0 ? response.json() : Promise.resolve({ message: response.statusText });
      return answer.then(function (body) { return { status: response.status, body: body }; });
    });
  }

  function settle(item, result) {
    if (result.status === 200 || result.status === 201) {
      drop(item.key);
      mark(item.key, "recorded", "✓ " + texts.textRecorded);
      if (result.status === 201) { tally(result.body); }
      return true;
    }
    if (result.status >= 400 && result.status < 500 && result.status !== 403) {
      drop(item.key);  // refused for good (already recorded, closed shift…): say why, do not retry
      mark(item.key, "failed", texts.textFailed + ": " + (result.body.message || result.status));
      return true;
    }
    return false;  // 403 (logged out) or a server error: keep it and try again later
  }

  function flush() {
    if (sending || !navigator.onLine) { showOnline(); return; }
    var queue = load();
    if (!queue.length) { return; }
    sending = true;
    var item = queue[0];
    mark(item.key, "queued", texts.textSending);
    send(item).then(function (result) {
      sending = false;
      if (settle(item, result)) { flush(); }
    }, function () {
      sending = false;  // no signal after all: wait for the next chance
      mark(item.key, "queued", texts.textQueued);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-collect]")) { return; }
    event.preventDefault();
    enqueue(form, event.submitter);
    flush();
  });
  window.addEventListener("online", function () { showOnline(); flush(); });
  window.addEventListener("offline", showOnline);
  window.setInterval(flush, 10000);

  load().forEach(function (item) { mark(item.key, "queued", texts.textQueued); });
  showQueue(load());
  showOnline();
  flush();

  if ("serviceWorker" in navigator && app.dataset.sw) {
    navigator.serviceWorker.register(app.dataset.sw, { scope: app.dataset.scope }).catch(function () {});
  }
}());
