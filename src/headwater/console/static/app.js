// Headwater's live console: vanilla JS, no build step. Reads /_headwater/console/api/*, and
// /_headwater/console/events (server-sent events) for everything that happens, as it happens.
"use strict";

const BASE = "/_headwater/console";
const MAX_FEED = 200;
const state = {
  page: "tables", tables: [], table: null, describe: null, items: [], itemsError: "",
  streams: [], shard: null, shardRecords: [], live: [],
  mappings: [], batches: [], ages: [], throughput: [],
  functions: [], invocations: [], logs: [], published: [],
  queues: [], queue: null, messages: [], topics: [],
  clock: null, clockAt: 0, source: null,
};

// -- DOM helpers (text only: nothing from the server is parsed as HTML) --------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Node) node.append(child);
    else if (attrs && attrs.class && attrs.class.split(" ").includes("row")) node.append(el("span", {}, String(child)));
    else node.append(document.createTextNode(String(child)));
  }
  return node;
}
const tag = (text, cls) => el("span", { class: "tag " + (cls || text) }, text);
const json = (value) => JSON.stringify(value, null, 1);
const short = (value) => JSON.stringify(value);
function section(title, ...children) { return el("section", { "data-section": title }, el("h2", {}, title), ...children); }
function grid(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows));
}
function isoTime(seconds) { return new Date(seconds * 1000).toISOString().replace("T", " ").replace("Z", ""); }

// -- API -----------------------------------------------------------------------------------
async function api(path, options) {
  const response = await fetch(BASE + path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (response.status === 401) { showLogin(); throw new Error("sign in first"); }
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || body.Message || body.__type || response.status);
  return body;
}
const post = (path, body) => api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const dynamodb = (operation, body) => post("/api/dynamodb/" + operation, body);

// -- DynamoDB JSON -------------------------------------------------------------------------
function plain(value) {
  const [type, v] = Object.entries(value)[0];
  switch (type) {
    case "S": case "B": return v;
    case "N": return Number(v);
    case "BOOL": return v;
    case "NULL": return null;
    case "L": return v.map(plain);
    case "M": return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    default: return v;  // SS, NS, BS
  }
}
const plainItem = (item) => item ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)])) : null;

function diff(oldItem, newItem) {
  const o = plainItem(oldItem) || {}, n = plainItem(newItem) || {};
  const names = [...new Set([...Object.keys(o), ...Object.keys(n)])].sort();
  return el("div", { class: "diff mono" }, names.map((name) => {
    const a = name in o ? short(o[name]) : undefined, b = name in n ? short(n[name]) : undefined;
    if (a === b) return el("div", {}, `${name}: ${a}`);
    return el("div", {}, `${name}: `, a !== undefined ? el("del", {}, a) : "", " ",
      b !== undefined ? el("ins", {}, b) : "");
  }));
}
const isTtl = (record) => record.userIdentity && record.userIdentity.PrincipalId === "dynamodb.amazonaws.com";

// -- pages ---------------------------------------------------------------------------------
const pages = {
  async tables() {
    state.tables = (await dynamodb("ListTables", {})).TableNames;
    if (state.table && !state.tables.includes(state.table)) state.table = null;
    if (!state.table && state.tables.length) state.table = state.tables[0];
    if (state.table) await loadTable();
  },
  async streams() {
    state.streams = await api("/api/streams");
    if (state.shard) await loadShard();
  },
  async mappings() { state.mappings = await api("/api/mappings"); },
  async functions() { state.functions = await api("/api/functions"); },
  async queues() {
    [state.queues, state.topics] = await Promise.all([api("/api/queues"), api("/api/topics")]);
    if (state.queue) state.messages = await api("/api/queue?name=" + encodeURIComponent(state.queue));
  },
  async clock() {},
};

async function loadTable() {
  state.describe = (await dynamodb("DescribeTable", { TableName: state.table })).Table;
  try {
    state.items = (await dynamodb("Scan", { TableName: state.table, Limit: 100 })).Items;
    state.itemsError = "";
  } catch (error) { state.itemsError = error.message; }
}
async function loadShard() {
  const { arn, id } = state.shard;
  state.shardRecords = await api(`/api/shard?arn=${encodeURIComponent(arn)}&shard=${encodeURIComponent(id)}`);
}

const views = {
  tables() {
    const list = el("div", { class: "list" }, state.tables.map((name) =>
      el("a", { class: name === state.table ? "active" : "", "data-table": name,
        onclick: async () => { state.table = name; await loadTable(); render(); } }, name)));
    const body = [];
    const d = state.describe;
    if (d && state.table) {
      const keys = d.KeySchema.map((k) => k.AttributeName);
      body.push(section("Table " + d.TableName,
        el("div", { class: "row" }, tag(d.TableStatus, "ok"), `keys: ${keys.join(", ")}`,
          `items: ${d.ItemCount}`, d.LatestStreamArn ? `stream: ${d.StreamSpecification ? d.StreamSpecification.StreamViewType : "on"}` : "no stream"),
        el("details", {}, el("summary", {}, "Describe"), el("pre", {}, json(d)))));
      const keyCondition = el("input", { name: "kce", size: 40, placeholder: "#k = :v" });
      const values = el("input", { name: "values", size: 40, placeholder: '{":v": {"S": "a"}}' });
      const names = el("input", { name: "names", size: 24, placeholder: '{"#k": "pk"}' });
      const queryError = el("span", { class: "error" });
      body.push(section("Query",
        el("div", { class: "row" }, keyCondition, names, values,
          el("button", { onclick: async () => {
            try {
              const request = { TableName: state.table, KeyConditionExpression: keyCondition.value };
              if (values.value) request.ExpressionAttributeValues = JSON.parse(values.value);
              if (names.value) request.ExpressionAttributeNames = JSON.parse(names.value);
              state.items = (await dynamodb("Query", request)).Items; state.itemsError = ""; render();
            } catch (error) { queryError.textContent = error.message; }
          } }, "Query"),
          el("button", { onclick: async () => { await loadTable(); render(); } }, "Scan"), queryError)));
      const rows = state.items.map((item) => el("tr", { "data-item": "" },
        el("td", {}, el("pre", {}, short(plainItem(item)))),
        el("td", {}, el("button", { onclick: async () => {
          const key = Object.fromEntries(keys.map((k) => [k, item[k]]));
          await dynamodb("DeleteItem", { TableName: state.table, Key: key }); await loadTable(); render();
        } }, "Delete"))));
      body.push(section("Items", state.itemsError ? el("p", { class: "error" }, state.itemsError) : "",
        grid(["Item", ""], rows)));
      const editor = el("textarea", { id: "put-item", placeholder: '{"pk": {"S": "a"}, "n": {"N": "1"}}' });
      const putError = el("span", { class: "error" });
      body.push(section("Put item (DynamoDB JSON)", editor, el("div", { class: "row" },
        el("button", { class: "primary", id: "put-button", onclick: async () => {
          try {
            await dynamodb("PutItem", { TableName: state.table, Item: JSON.parse(editor.value) });
            editor.value = ""; await loadTable(); render();
          } catch (error) { putError.textContent = error.message; }
        } }, "Put item"), putError)));
    } else body.push(section("Tables", el("p", { class: "muted" }, "No tables yet.")));
    return el("div", { class: "cols" }, section("Tables", list), el("div", {}, body));
  },

  streams() {
    const trees = state.streams.map((stream) => {
      const children = {};
      for (const shard of stream.shards) (children[shard.parentShardId || ""] ||= []).push(shard);
      const known = new Set(stream.shards.map((s) => s.shardId));
      const roots = stream.shards.filter((s) => !s.parentShardId || !known.has(s.parentShardId));
      const branch = (shards) => el("ul", {}, shards.map((shard) => el("li", {},
        el("div", { class: "shard mono" + (state.shard && state.shard.id === shard.shardId ? " active" : ""),
          "data-shard": shard.shardId, "data-records": shard.lastSequenceNumber ? "yes" : "no",
          onclick: async () => { state.shard = { arn: stream.streamArn, id: shard.shardId }; await loadShard(); render(); } },
          tag(shard.closed ? "closed" : "open"), " ", shard.shardId, " ",
          el("span", { class: "muted" }, `${shard.startingSequenceNumber} … ${shard.endingSequenceNumber || shard.lastSequenceNumber || "(empty)"}`)),
        branch(children[shard.shardId] || []))));
      return section(`Stream of ${stream.table}`, el("div", { class: "row muted" }, el("span", {}, stream.viewType), el("span", {}, stream.label),
        stream.enabled ? tag("open", "open") : tag("disabled", "closed")), el("div", { class: "tree" }, branch(roots)));
    });
    const recordRow = (record, fresh) => el("tr", { class: fresh ? "fresh" : "", "data-record": record.dynamodb.SequenceNumber },
      el("td", {}, tag(record.eventName), isTtl(record) ? tag("TTL", "ttl") : ""),
      el("td", { class: "mono" }, record.dynamodb.SequenceNumber),
      el("td", {}, diff(record.dynamodb.OldImage, record.dynamodb.NewImage || (record.eventName === "REMOVE" ? null : record.dynamodb.Keys))));
    const shardView = state.shard ? section("Shard " + state.shard.id,
      grid(["Event", "Sequence", "Old → new"], state.shardRecords.slice().reverse().map((r) => recordRow(r, false)))) : "";
    const live = section("Live records", el("div", { class: "feed" }, grid(["Event", "Sequence", "Old → new"],
      state.live.map((e) => recordRow(e.record, e.fresh)))), state.live.length ? "" : el("p", { class: "muted" }, "Waiting for changes…"));
    state.live.forEach((e) => { e.fresh = false; });
    return el("div", {}, trees.length ? trees : section("Streams", el("p", { class: "muted" }, "No streams.")), shardView, live);
  },

  mappings() {
    const rows = state.mappings.map((m) => el("tr", { "data-mapping": m.UUID },
      el("td", { class: "mono" }, m.UUID), el("td", {}, m.FunctionArn.split(":").slice(6).join(":")),
      el("td", {}, tag(m.State, m.State === "Enabled" ? "ok" : "sent")),
      el("td", { class: "mono" }, `BatchSize ${m.BatchSize}, window ${m.MaximumBatchingWindowInSeconds}s, retries ${m.MaximumRetryAttempts}, ` +
        `max age ${m.MaximumRecordAgeInSeconds}, bisect ${m.BisectBatchOnFunctionError}, parallel ${m.ParallelizationFactor}` +
        ((m.FunctionResponseTypes || []).length ? `, ${m.FunctionResponseTypes.join(",")}` : "") +
        (m.DestinationConfig && m.DestinationConfig.OnFailure && m.DestinationConfig.OnFailure.Destination ? `, OnFailure ${m.DestinationConfig.OnFailure.Destination}` : "")),
      el("td", {}, m.LastProcessingResult)));
    const batchRows = state.batches.map((b) => el("tr", { class: b.fresh ? "fresh" : "", "data-batch": b.step },
      el("td", { class: "mono" }, new Date(b.seen).toLocaleTimeString()), el("td", {}, tag(b.step)),
      el("td", {}, b.function), el("td", { class: "mono" }, b.shardId),
      el("td", { class: "mono" }, batchDetail(b))));
    state.batches.forEach((b) => { b.fresh = false; });
    return el("div", {},
      section("Event source mappings", grid(["UUID", "Function", "State", "Batch settings", "Last result"], rows)),
      section("IteratorAge (ms)", chart(state.ages)),
      section("Throughput (records per batch succeeded)", chart(state.throughput)),
      section("Batches, as they happen", el("div", { class: "feed" },
        grid(["Seen", "Step", "Function", "Shard", "Detail"], batchRows))));
  },

  functions() {
    const rows = state.functions.map((f) => el("tr", {}, el("td", {}, f.FunctionName), el("td", {}, f.Runtime),
      el("td", {}, f.Handler), el("td", {}, `${f.MemorySize} MB, ${f.Timeout} s`)));
    const invocations = state.invocations.map((i) => el("tr", { class: i.fresh ? "fresh" : "", "data-invocation": i.function },
      el("td", { class: "mono" }, isoTime(i.at)), el("td", {}, functionName(i.function)), el("td", {}, i.type),
      el("td", { class: "mono" }, `${i.durationMs} ms`),
      el("td", {}, i.error ? tag(i.error, "error") : i.functionError ? tag(i.functionError, "error") : tag(String(i.status), "ok"))));
    const logs = state.logs.map((l) => el("tr", { class: l.fresh ? "fresh" : "" },
      el("td", { class: "mono" }, new Date(l.timestamp).toISOString().slice(11, 23)),
      el("td", {}, l.group.replace("/aws/lambda/", "")), el("td", {}, el("pre", {}, l.message))));
    [...state.invocations, ...state.logs].forEach((x) => { x.fresh = false; });
    return el("div", {}, section("Functions", grid(["Name", "Runtime", "Handler", "Limits"], rows)),
      section("Invocations", el("div", { class: "feed" }, grid(["At", "Function", "Type", "Duration", "Result"], invocations))),
      section("Logs, live", el("div", { class: "feed" }, grid(["Time", "Function", "Line"], logs))));
  },

  queues() {
    const rows = state.queues.map((q) => el("tr", {},
      el("td", {}, el("a", { href: "#queues", "data-queue": q.name, onclick: async (event) => {
        event.preventDefault(); state.queue = q.name; await pages.queues(); render(); } }, q.name)),
      el("td", {}, q.visible), el("td", {}, q.inFlight), el("td", {}, q.delayed)));
    const messages = state.messages.map((m) => el("tr", {}, el("td", { class: "mono" }, m.messageId),
      el("td", { class: "mono" }, isoTime(m.sent)), el("td", {}, m.visible ? "visible" : "in flight / delayed"),
      el("td", {}, m.receiveCount), el("td", {}, el("pre", {}, m.body))));
    const topics = state.topics.map((t) => el("tr", {}, el("td", {}, t.name),
      el("td", {}, t.subscriptions.map((s) => el("div", { class: "mono" }, `${s.protocol}: ${s.endpoint}`)))));
    const view = el("div", {}, section("Queues", grid(["Name", "Visible", "In flight", "Delayed"], rows)),
      state.queue ? section(`Messages in ${state.queue} (peeked: nothing is received)`,
        el("div", { class: "row" }, el("button", { onclick: async () => { await pages.queues(); render(); } }, "Refresh")),
        grid(["Id", "Sent", "State", "Receives", "Body"], messages)) : "",
      section("Topics", grid(["Name", "Subscriptions"], topics)),
      section("Messages published to topics, live", el("div", { class: "feed" }, grid(["At", "Topic", "Subject", "Message"],
        state.published.map((m) => el("tr", { class: m.fresh ? "fresh" : "", "data-published": m.topic },
          el("td", { class: "mono" }, isoTime(m.at)), el("td", {}, m.topic), el("td", {}, m.subject || ""),
          el("td", {}, el("pre", {}, m.message))))))));
    state.published.forEach((m) => { m.fresh = false; });
    return view;
  },

  clock() {
    const custom = el("input", { type: "number", min: "0", value: "60", id: "advance-seconds" });
    const buttons = [["+1 s", 1], ["+1 min", 60], ["+1 h", 3600], ["+1 day", 86400], ["+2 days", 172800]].map(([label, seconds]) =>
      el("button", { "data-advance": seconds, onclick: () => advance(seconds) }, label));
    return section("Project clock", el("p", { class: "big", id: "clock-now" }, clockText()),
      el("p", { class: "muted", id: "clock-offset" }, state.clock ? `offset ${state.clock.offset} s from the wall clock` : ""),
      el("div", { class: "row" }, buttons, custom,
        el("button", { class: "primary", onclick: () => advance(Number(custom.value)) }, "Advance")),
      el("p", { class: "muted" }, "Moving the clock expires TTL items, ages stream records and fires batching windows, as time passing would."));
  },
};

function functionName(nameOrArn) { return nameOrArn.startsWith("arn:") ? nameOrArn.split(":").slice(6).join(":") : nameOrArn; }

function batchDetail(b) {
  const parts = [];
  if (b.count !== undefined) parts.push(`${b.count} records`);
  if (b.iteratorAgeMs !== undefined) parts.push(`IteratorAge ${Math.round(b.iteratorAgeMs)} ms`);
  if (b.durationMs !== undefined) parts.push(`attempt ${b.attempt || 1}, ${Math.round(b.durationMs)} ms${b.error ? ", function error" : ""}`);
  if (b.failed) parts.push("failed");
  if (b.remaining !== undefined) parts.push(`succeeded before the reported item, ${b.remaining} to retry`);
  if (b.sizes) parts.push(`split into ${b.sizes.join(" + ")}`);
  if (b.condition) parts.push(b.condition);
  if (b.toDestination !== undefined) parts.push(b.toDestination ? `sent to ${b.destination}` : "dropped (no destination)");
  return parts.join(", ");
}

function chart(points) {
  const caption = el("div", { class: "muted" }, points.length ?
    `${points.length} points, max ${Math.round(Math.max(...points))}, last ${Math.round(points[points.length - 1])}` : "No batches yet.");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "chart"); svg.setAttribute("viewBox", "0 0 300 90"); svg.setAttribute("preserveAspectRatio", "none");
  if (points.length) {
    const max = Math.max(1, ...points);
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    const step = 300 / Math.max(1, points.length - 1);
    if (points.length === 1) points = [points[0], points[0]];
    line.setAttribute("points", points.map((v, i) => `${(i * step).toFixed(1)},${(86 - (v / max) * 80).toFixed(1)}`).join(" "));
    svg.append(line);
  }
  return el("div", {}, svg, caption);
}

// -- clock ---------------------------------------------------------------------------------
function clockNow() { return state.clock ? state.clock.now + (performance.now() - state.clockAt) / 1000 : null; }
function clockText() { const now = clockNow(); return now === null ? "…" : isoTime(now).slice(0, 19); }
function setClock(clock) { state.clock = clock; state.clockAt = performance.now(); tickClock(); }
function tickClock() {
  // Display only: the time is computed from the last answer, nothing is fetched.
  document.getElementById("now").textContent = clockText();
  const big = document.getElementById("clock-now");
  if (big) big.textContent = clockText();
  const offset = document.getElementById("clock-offset");
  if (offset && state.clock) {
    offset.textContent = `offset ${state.clock.offset} s from the wall clock`;
    offset.dataset.offset = state.clock.offset;
  }
}
async function advance(seconds) { setClock(await post("/api/clock", { advance: seconds })); }

// -- live events ---------------------------------------------------------------------------
function push(list, item) { item.fresh = true; list.unshift(item); if (list.length > MAX_FEED) list.length = MAX_FEED; }
const handlers = {
  record(event) {
    push(state.live, event);
    if (state.page === "streams" && state.shard && state.shard.id === event.shardId) state.shardRecords.push(event.record);
    if (state.page === "streams") pages.streams().then(render);
    else if (state.page === "tables" && event.table === state.table) loadTable().then(render);
  },
  batch(event) {
    event.seen = Date.now();
    push(state.batches, event);
    if (event.step === "sent") { state.ages.push(event.iteratorAgeMs); if (state.ages.length > 120) state.ages.shift(); }
    if (event.step === "succeeded") { state.throughput.push(event.count); if (state.throughput.length > 120) state.throughput.shift(); }
    if (state.page === "mappings") pages.mappings().then(render);
    if (state.page === "queues" && event.step === "dropped") pages.queues().then(render);
  },
  invocation(event) { push(state.invocations, event); if (state.page === "functions") render(); },
  log(event) { push(state.logs, event); if (state.page === "functions") render(); },
  message(event) { push(state.published, event); if (state.page === "queues") pages.queues().then(render); },
  clock(event) { setClock(event); },
};
function connect() {
  if (state.source) state.source.close();
  const source = new EventSource(BASE + "/events");
  state.source = source;
  const live = document.getElementById("live");
  source.onopen = () => { live.className = "on"; live.dataset.state = "open"; };
  source.onerror = () => { live.className = "off"; live.dataset.state = "closed"; };
  for (const kind of Object.keys(handlers)) {
    source.addEventListener(kind, (message) => handlers[kind](JSON.parse(message.data)));
  }
}

// -- navigation and sign-in ----------------------------------------------------------------
let rendering = Promise.resolve();
function render() {
  const main = document.getElementById("main");
  main.replaceChildren(views[state.page]());
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === state.page);
  document.body.dataset.page = state.page;
}
async function show(page) {
  state.page = pages[page] ? page : "tables";
  try { await pages[state.page](); render(); document.body.dataset.ready = state.page; }
  catch (error) { if (!document.getElementById("login").hidden) return; document.getElementById("main").replaceChildren(el("p", { class: "error" }, error.message)); }
}
function showLogin() {
  document.getElementById("main").replaceChildren();
  document.getElementById("login").hidden = false;
  document.body.dataset.ready = "login";
}
async function start() {
  document.getElementById("login").hidden = true;
  const recent = await api("/api/recent");
  for (const event of recent) { if (event.kind !== "record" && event.kind !== "clock" && handlers[event.kind]) handlers[event.kind](event); }
  for (const list of [state.batches, state.invocations, state.logs, state.published]) list.forEach((x) => { x.fresh = false; });
  setClock(await api("/api/clock"));
  connect();
  setInterval(tickClock, 1000);
  await show(location.hash.slice(1));
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await post("/api/login", { accessKeyId: form.get("accessKeyId"), secretAccessKey: form.get("secretAccessKey") });
    await start();
  } catch (error) { document.getElementById("login-error").textContent = error.message; }
});
(async () => {
  const session = await api("/api/session");
  if (session.required && !session.signedIn) showLogin(); else await start();
})();
