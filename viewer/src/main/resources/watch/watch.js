// avloc watch: polls /api/cameras and keeps one card per camera up to date.
"use strict";

const POLL_MS = 500;
const cards = new Map();

function fmt(v, digits) {
  return v === null || v === undefined ? "-" : Number(v).toFixed(digits);
}

function pct(v) {
  return v === null || v === undefined ? "-" : (100 * v).toFixed(1) + "%";
}

function pointing(a) {
  if (a.pointingAccuracy === null) return "-";
  return pct(a.pointingAccuracy) + " (" + a.hits + "/" + a.evaluated + ")";
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

// Capture time (µs since the epoch) as local wall-clock time with milliseconds.
function clock(us) {
  if (us === null || us === undefined) return "-";
  const d = new Date(us / 1000);
  return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function card(id) {
  let c = cards.get(id);
  if (c) return c;
  const el = document.createElement("section");
  el.className = "card";
  el.dataset.camera = id;
  const h = document.createElement("h2");
  const name = document.createElement("span");
  name.textContent = id;
  const model = document.createElement("span");
  model.className = "model";
  h.append(name, model);
  const img = document.createElement("img");
  img.alt = "overlay of " + id;
  const note = document.createElement("p");
  note.className = "frame-note";
  const table = document.createElement("table");
  el.append(h, img, note, table);
  document.getElementById("cameras").append(el);
  c = { el, model, img, note, table, version: null, loading: false };
  cards.set(id, c);
  return c;
}

// The overlay the JSON describes: event sequence number plus how it was paired with its frame.
function refreshImage(c, id, f) {
  const version = f.eventSeq + ":" + f.status;
  if (c.version === version || c.loading) return;
  c.loading = true;
  const next = new Image();
  next.onload = () => {
    c.img.src = next.src;
    c.img.dataset.eventSeq = String(f.eventSeq);
    c.version = version;
    c.loading = false;
  };
  next.onerror = () => { c.loading = false; };
  next.src = "/camera/" + encodeURIComponent(id) + "/overlay.png?event=" + f.eventSeq
      + "&status=" + f.status;
}

// A heatmap is only ever drawn on the frame it was computed on; otherwise the card says why.
function showPairing(c, f) {
  const el = c.el;
  el.dataset.eventSeq = String(f.eventSeq);
  el.dataset.eventFrameTsUs = String(f.eventFrameTsUs);
  el.dataset.frameStatus = f.status.toLowerCase();
  el.dataset.frameTsUs = f.frameTsUs === null ? "" : String(f.frameTsUs);
  el.classList.toggle("no-frame", f.status !== "PAIRED");
  c.note.textContent = f.status === "PAIRED"
      ? "On its own frame, captured " + clock(f.frameTsUs) + "."
      : "Heatmap of the frame captured " + clock(f.eventFrameTsUs)
        + ", shown without that frame: " + f.reason + ".";
}

function render(stats) {
  const status = document.getElementById("status");
  status.className = "";
  status.textContent = (stats.status || "") + " \u00b7 " + stats.cameras.length + " camera(s)"
      + (stats.invalidRecords ? " \u00b7 " + stats.invalidRecords + " invalid record(s)" : "");
  document.getElementById("empty").hidden = stats.cameras.length > 0;
  const frames = new Map((stats.frames || []).map(f => [f.camera, f]));
  for (const s of stats.cameras) {
    const c = card(s.camera);
    c.model.textContent = s.model + " (" + s.method + ")";
    const a = s.accuracy;
    // Only figures over many events here: the picture's own event (peak, scores, truth) is in
    // its caption, so the card never shows one event's numbers beside another event's picture.
    const rows = [
      ["events/s", fmt(s.eventsPerSecond, 1), "events", String(s.events)],
      ["latency p50", fmt(s.latencyMs.p50, 0) + " ms", "p99", fmt(s.latencyMs.p99, 0) + " ms"],
      ["pointing", pointing(a), "off-screen", String(a.offscreen)],
      ["partial audio", pct(s.partialAudioShare), "", ""],
    ];
    c.table.replaceChildren(...rows.map(r => {
      const tr = document.createElement("tr");
      tr.append(...r.map(cell));
      return tr;
    }));
    const f = frames.get(s.camera);
    if (f) {
      showPairing(c, f);
      refreshImage(c, s.camera, f);
    }
  }
}

async function poll() {
  try {
    const res = await fetch("/api/cameras", { cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    render(await res.json());
  } catch (e) {
    const status = document.getElementById("status");
    status.className = "down";
    status.textContent = "watcher unreachable (" + e.message + "), retrying";
  }
  setTimeout(poll, POLL_MS);
}

poll();
