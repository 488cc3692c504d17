/* Jimpitan service worker: the collection pages open without a signal.
 *
 * Pages under /<region>/jimpitan/ are fetched from the network first and their last copy is kept;
 * without a signal the kept copy is shown (or, for a page never opened, the last collection page).
 * Stylesheets and scripts are served from the cache and refreshed in the background.
 * Records are never handled here: the page's own queue sends them (POST is left to the network).
 */
"use strict";
var CACHE = "jimpitan-v1";
var LAST_COLLECTION_PAGE = self.registration.scope + "last-collection-page";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keep(request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) {
      cache.put(request, copy.clone());
      if (/\/tonight\/$/.test(new URL(request.url).pathname)) { cache.put(LAST_COLLECTION_PAGE, copy); }
    });
  }
  return response;
}

function page(request) {
  return fetch(request).then(function (response) { return keep(request, response); }, function () {
    return caches.match(request).then(function (kept) {
      return kept || caches.match(LAST_COLLECTION_PAGE).then(function (last) {
        return last || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
      });
    });
  });
}

function asset(request) {
  return caches.match(request).then(function (kept) {
    var fresh = fetch(request).then(function (response) { return keep(request, response); });
    if (kept) { fresh.catch(function () {}); return kept; }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  if (request.mode === "navigate") { event.respondWith(page(request)); return; }
  if (new URL(request.url).pathname.indexOf("/static/") === 0) { event.respondWith(asset(request)); }
});
