// replica's page: plain DOM, no build step. Every state-changing request carries the
// X-Replica-Request header (the server refuses cookie-signed ones without it: CSRF).
"use strict";
const $ = (id) => document.getElementById(id);
let session = null;
let followed = null; // { id, source }

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "style") e.style.cssText = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (method !== "GET") headers["X-Replica-Request"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : await r.text();
  if (!r.ok) { const err = new Error((data && data.detail) || `${r.status} ${r.statusText}`); err.status = r.status; throw err; }
  return data;
}

const size = (b) => b == null ? "" : b < 1024 ? `${b} B` : b < 1048576 ? `${(b / 1024).toFixed(1)} KiB` : b < 1073741824 ? `${(b / 1048576).toFixed(1)} MiB` : `${(b / 1073741824).toFixed(2)} GiB`;
const age = (t) => { if (!t) return ""; const h = (Date.now() - Date.parse(t)) / 3600000; return h < 1 ? `${Math.round(h * 60)} min ago` : h < 48 ? `${h.toFixed(1)} h ago` : `${Math.round(h / 24)} days ago`; };
const secs = (s) => s == null ? "" : s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
const took = (r) => r.ended ? secs((Date.parse(r.ended) - Date.parse(r.started)) / 1000) : "";

// ---- sign-in ----
async function start() {
  try { session = await api("GET", "/api/session"); }
  catch (e) { if (e.status === 401) return showSignIn(); throw e; }
  $("signin").hidden = true; $("app").hidden = false;
  $("who").hidden = false; $("who").textContent = `${session.caller} (${session.role})`;
  $("signout").hidden = false;
  await loadSchedules();
  await loadTargets();
  await Promise.all([loadHistory(), loadBackups()]);
  const m = location.hash.match(/^#run=(.+)$/);
  if (m) follow(decodeURIComponent(m[1]));
  setInterval(loadTargets, 5000);
  setInterval(loadSchedules, 30000);
}
function showSignIn() { $("app").hidden = true; $("signin").hidden = false; $("who").hidden = true; $("signout").hidden = true; }
$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { await api("POST", "/api/session", { token: $("token").value.trim() }); $("token").value = ""; $("signin-error").textContent = ""; await start(); }
  catch (e) { $("signin-error").textContent = e.message; }
});
$("signout").addEventListener("click", async () => { await api("DELETE", "/api/session"); location.hash = ""; location.reload(); });

// ---- targets ----
let targets = [];
async function loadTargets() {
  targets = await api("GET", "/api/targets");
  const body = $("targets").tBodies[0];
  body.replaceChildren(...targets.map((t) => {
    const last = t.last_run;
    const canOperate = session.operates.includes(t.target);
    return el("tr", { "data-target": t.target },
      el("td", {}, t.target, el("div", { class: "hint" }, t.platform)),
      el("td", { class: `state ${t.state}` }, t.state),
      el("td", {}, t.image_tag ?? ""),
      el("td", {}, t.backup ? t.backup.name : "", t.backup ? el("div", { class: "hint" }, age(t.backup.time)) : null),
      el("td", {}, t.media ? t.media.path : ""),
      el("td", {}, last ? el("a", { href: `#run=${last.id}` }, `${last.workflow}: `, el("span", { class: last.status }, last.status)) : "",
        last ? el("div", { class: "hint" }, `${age(last.started)}${last.launched_by ? " by " + last.launched_by : ""}`) : null),
      el("td", { class: "next-refresh" }, ...nextRefresh(t)),
      el("td", {}, t.stack ? el("a", { href: t.stack.url, target: "_blank", rel: "noopener" }, t.stack.url) : ""),
      el("td", {}, canOperate ? el("button", { class: "launch", onclick: () => openLaunch(t.target) }, "Launch…") : ""));
  }));
  const sel = $("history-target");
  if (sel.options.length === 1) for (const t of targets) sel.append(el("option", { value: t.target }, t.target));
}

// ---- schedules: what the server fires on its own, and when each target is next refreshed or expires ----
let schedules = [];
const utcMinute = (t) => t.replace("T", " ").slice(0, 16);
async function loadSchedules() {
  schedules = await api("GET", "/api/schedules");
  $("schedules-box").hidden = schedules.length === 0;
  $("schedules").tBodies[0].replaceChildren(...schedules.map((s) => {
    const f = s.last_fire;
    return el("tr", { "data-schedule": s.name },
      el("td", {}, s.name),
      el("td", {}, s.target),
      el("td", {}, s.workflow, Object.keys(s.options).length ? el("div", { class: "hint" }, Object.entries(s.options).map(([k, v]) => `${k}=${v}`).join(" ")) : null),
      el("td", {}, el("code", {}, s.cron), el("div", { class: "hint" }, s.time_zone + (s.catch_up_minutes ? ` · catch-up ${s.catch_up_minutes} min` : ""))),
      el("td", {}, ...s.next.map((n) => el("div", {}, `${utcMinute(n.utc)}Z · ${n.local.slice(11, 16)} ${n.local.slice(19)}`))),
      el("td", {}, f ? el("span", { class: f.outcome === "launched" ? (f.run_status || "") : f.outcome === "skipped" ? "cancelled" : "failed" }, f.outcome) : "never",
        f && f.run_id ? el("div", {}, el("a", { href: `#run=${f.run_id}` }, f.run_id), f.run_status ? ` (${f.run_status})` : "") : null,
        f ? el("div", { class: "hint" }, `${utcMinute(f.time)}Z${f.outcome === "skipped" ? " · target was busy" : ""}`) : null));
  }));
}
function nextRefresh(t) {
  const next = schedules.filter((s) => s.target === t.target && s.workflow.startsWith("start") && s.next.length)
    .map((s) => ({ at: s.next[0].utc, name: s.name })).sort((a, b) => a.at.localeCompare(b.at))[0];
  const parts = [];
  parts.push(next ? el("div", {}, `${utcMinute(next.at)}Z`, el("div", { class: "hint" }, next.name)) : el("div", { class: "hint" }, "none scheduled"));
  if (t.expires) parts.push(el("div", { class: "expires" }, `expires ${utcMinute(t.expires)}Z`));
  return parts;
}

// ---- launch form ----
let backups = [];
async function loadBackups() {
  backups = await api("GET", "/api/backups");
  $("backup").replaceChildren(el("option", { value: "" }, "LATEST (newest usable backup)"),
    ...backups.map((b) => el("option", { value: b.time }, `${b.time}  ·  ${age(b.time)}  ·  ${b.flavour}  ·  ${size(b.size_bytes)}${b.damaged ? "  ·  DAMAGED" : ""}`)));
}
function launchBody() {
  const w = $("workflow").value, body = { workflow: w };
  if (w === "start") {
    if ($("backup").value) body.from_backup = $("backup").value;
    if ($("db-only").checked) body.db_only = true;
  }
  if (w === "stop" && $("remove-media").checked) body.remove_media = true;
  if (w === "upgrade") body.image_tag = $("image-tag").value.trim();
  return body;
}
function openLaunch(target) {
  $("launch").hidden = false; $("launch-target").textContent = target; $("launch").dataset.target = target;
  $("workflow").value = "start"; $("db-only").checked = false; $("remove-media").checked = false;
  workflowChanged();
}
function workflowChanged() {
  const w = $("workflow").value;
  for (const l of $("launch-form").querySelectorAll("label[data-for]")) l.hidden = !l.dataset.for.split(" ").includes(w);
  // The tag is production's, read by the server: shown, not typed; only upgrade takes another one.
  $("image-tag").readOnly = w !== "upgrade";
  $("image-tag").value = "";
  $("plan").textContent = ""; $("launch-error").textContent = ""; $("confirm-button").disabled = true;
  if (w === "start") showPlan();
}
async function showPlan() {
  $("confirm-button").disabled = true; $("launch-error").textContent = "";
  try {
    const p = await api("POST", `/api/targets/${encodeURIComponent($("launch").dataset.target)}/plan`, launchBody());
    if (p.image_tag && $("workflow").value === "start") $("image-tag").value = p.image_tag;
    const lines = [`${p.workflow} ${p.target} on ${p.platform} would:`];
    if (p.backup) lines.push(`  backup     ${p.backup.name} (${p.backup.flavour}, ${size(p.backup.size_bytes)}, ${age(p.backup.time)})`);
    if (p.image_tag) lines.push(`  image tag  ${p.image_tag} (${p.image_tag_source})`);
    if (p.media_location) lines.push(`  media      ${p.media_location}${p.media_exists === true ? " (exists)" : p.media_exists === false ? " (new)" : ""}`);
    if (p.refresh) lines.push(`  refresh    ${p.refresh}`);
    lines.push(`  steps      ${p.steps.join(" → ")}`);
    for (const w of p.warnings || []) lines.push(`  warning    ${w}`);
    if (p.changes) lines.push(`  changed    plan ${p.changes}; nothing else was changed`);
    $("plan").textContent = lines.join("\n");
    $("confirm-button").disabled = false;
  } catch (e) { $("launch-error").textContent = e.message; }
}
$("workflow").addEventListener("change", workflowChanged);
$("backup").addEventListener("change", showPlan);
$("db-only").addEventListener("change", showPlan);
$("remove-media").addEventListener("change", showPlan);
$("plan-button").addEventListener("click", showPlan);
$("launch-close").addEventListener("click", () => { $("launch").hidden = true; });
$("launch-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const r = await api("POST", `/api/targets/${encodeURIComponent($("launch").dataset.target)}/runs`, launchBody());
    $("launch").hidden = true;
    location.hash = `run=${r.id}`; // hashchange follows it
    loadHistory();
  } catch (e) { $("launch-error").textContent = e.message; }
});

// ---- live run ----
let following = null;
async function follow(id) {
  following = id;
  if (followed) { followed.source.close(); followed = null; }
  const detail = await api("GET", `/api/runs/${encodeURIComponent(id)}`);
  if (following !== id) return; // another run was chosen meanwhile
  const run = detail.run;
  $("run").hidden = false;
  $("run-title").textContent = `${run.workflow} ${run.target} · run ${run.id}`;
  $("run-by").textContent = run.launched_by ? `launched by ${run.launched_by}` : "";
  setStatus(run.status);
  $("cancel-button").hidden = !(run.status === "running" && session.operates.includes(run.target));
  $("cancel-button").onclick = async () => { try { await api("POST", `/api/runs/${encodeURIComponent(id)}/cancel`); } catch (e) { alert(e.message); } };
  $("steps").replaceChildren(); $("log").replaceChildren(); $("progress-box").hidden = true;
  const steps = new Map();
  // From the first event: a reload or a lost connection replays the run, then follows it live
  // (EventSource resumes after its Last-Event-ID on its own).
  const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
  followed = { id, source };
  source.addEventListener("log", (ev) => {
    const d = JSON.parse(ev.data), log = $("log");
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.append(el("span", { class: d.level }, `${d.at.slice(11, 23)} ${d.level.padEnd(7)} ${d.message}\n`));
    if (atBottom) log.scrollTop = log.scrollHeight;
  });
  source.addEventListener("step", (ev) => {
    const d = JSON.parse(ev.data);
    let s = steps.get(d.step);
    if (!s) { s = { li: el("li"), started: Date.parse(d.at) }; steps.set(d.step, s); $("steps").append(s.li); }
    s.li.className = d.status;
    s.li.textContent = d.status === "running" ? `${d.step} …` : `${d.step}: ${d.status} in ${secs((Date.parse(d.at) - s.started) / 1000)}${d.message ? " — " + d.message : ""}`;
  });
  source.addEventListener("progress", (ev) => {
    const d = JSON.parse(ev.data);
    const total = d.bytes_total ?? null, done = d.bytes_done;
    $("progress-box").hidden = false;
    const p = $("progress");
    if (total) { p.max = total; p.value = Math.min(done, total); } else if (d.files_total) { p.max = d.files_total; p.value = d.files_done; } else p.removeAttribute("value");
    const rate = d.bytes_per_second || 0;
    const eta = total && rate > 0 ? ` · ETA ${secs(Math.max(0, (total - done) / rate))}` : "";
    $("progress-text").textContent = `${d.step}${d.phase ? " (" + d.phase + ")" : ""}: ${size(done)}${total ? " of " + size(total) : ""}` +
      `${d.files_total ? ` · ${d.files_done} of ${d.files_total} files` : ""} · ${size(rate)}/s${eta}`;
  });
  source.addEventListener("end", (ev) => {
    const d = JSON.parse(ev.data);
    setStatus(d.status);
    $("cancel-button").hidden = true;
    source.close();
    loadHistory(); loadTargets();
  });
}
function setStatus(s) { const e = $("run-status"); e.textContent = s; e.className = `status ${s}`; }
addEventListener("hashchange", () => { const m = location.hash.match(/^#run=(.+)$/); if (m && following !== decodeURIComponent(m[1])) follow(decodeURIComponent(m[1])); });

// ---- history and chart ----
async function loadHistory() {
  const t = $("history-target").value, s = $("history-status").value;
  const q = new URLSearchParams({ limit: "50" }); if (t) q.set("target", t); if (s) q.set("status", s);
  const runs = await api("GET", `/api/runs?${q}`);
  $("runs").tBodies[0].replaceChildren(...runs.map((r) => el("tr", { class: "clickable", "data-run": r.id, onclick: () => { location.hash = `run=${r.id}`; } },
    el("td", {}, r.id), el("td", {}, r.target), el("td", {}, r.workflow), el("td", { class: r.status }, r.status),
    el("td", {}, r.started.replace("T", " ").slice(0, 19)), el("td", {}, took(r)), el("td", {}, r.launched_by ?? ""))));
  // The chosen target, else the one the newest run was on.
  drawChart(t || (runs[0] && runs[0].target) || (targets[0] && targets[0].target));
}
$("history-target").addEventListener("change", loadHistory);
$("history-status").addEventListener("change", loadHistory);

const colours = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777"];
async function drawChart(target) {
  const svg = $("chart"); svg.replaceChildren(); $("chart-legend").replaceChildren();
  $("chart-target").textContent = target || "—";
  if (!target) return;
  const runs = (await api("GET", `/api/runs?target=${encodeURIComponent(target)}&status=succeeded&limit=20`)).filter((r) => r.workflow.startsWith("start")).reverse();
  const details = await Promise.all(runs.map((r) => api("GET", `/api/runs/${encodeURIComponent(r.id)}`)));
  const names = [...new Set(details.flatMap((d) => d.steps.map((s) => s.name)))];
  const max = Math.max(1, ...details.map((d) => d.steps.reduce((a, s) => a + (s.seconds || 0), 0)));
  const ns = "http://www.w3.org/2000/svg", W = 720, H = 200, bw = Math.min(40, (W - 40) / Math.max(1, details.length) - 6);
  const svgEl = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };
  svg.append(svgEl("line", { x1: 36, y1: H, x2: W, y2: H, stroke: "#99a" }));
  const label = svgEl("text", { x: 0, y: 12, "font-size": 11 }); label.textContent = secs(max); svg.append(label);
  details.forEach((d, i) => {
    let y = H;
    const x = 40 + i * (bw + 6);
    for (const s of d.steps) {
      const h = (s.seconds || 0) / max * (H - 16);
      const r = svgEl("rect", { x, y: y - h, width: bw, height: Math.max(0, h), fill: colours[names.indexOf(s.name) % colours.length] });
      const tip = svgEl("title", {}); tip.textContent = `${d.run.id} ${s.name}: ${secs(s.seconds)}`; r.append(tip);
      svg.append(r); y -= h;
    }
  });
  $("chart-legend").replaceChildren(...names.map((n, i) => el("span", {}, el("i", { style: `background:${colours[i % colours.length]}` }), n)));
}

start().catch((e) => { document.body.prepend(el("p", { class: "error" }, e.message)); });
