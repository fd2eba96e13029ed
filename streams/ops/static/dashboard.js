// The lintas ops dashboard: polls /api/snapshot and /api/series and draws them.
// Every value reaches the page through textContent, never as HTML.
//
// The data needs a bearer token of scope ops:read. The page is opened as /#token=<token>:
// a URL's fragment never reaches a server (nor its logs), and the page moves the token to
// this tab's session storage and takes it out of the address bar and the history.
"use strict";

const REFRESH_MS = 3000;
const TOKEN_KEY = "lintas.ops.token";

function readToken() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const given = fragment.get("token");
  if (given) {
    window.sessionStorage.setItem(TOKEN_KEY, given.trim());
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

let token = readToken();

function showFailure(text, auth) {
  const status = document.getElementById("status");
  status.classList.add("failing");
  status.textContent = text;
  document.body.dataset.auth = auth;
}

// GET one JSON route with the token; an error naming why when the server refuses it.
async function getJson(path) {
  const answer = await fetch(path, {
    cache: "no-store", headers: { Authorization: `Bearer ${token}` },
  });
  if (answer.status === 401 || answer.status === 403) {
    const body = await answer.json().catch(() => ({}));
    const error = new Error(`the token was refused (HTTP ${answer.status}): ${body.error || ""}`);
    error.auth = "refused";
    throw error;
  }
  return answer.json();
}
const TREND_ARROWS = { growing: "↑", shrinking: "↓", steady: "→" };

function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return "-";
  if (seconds < 10) return seconds.toFixed(1) + "s";
  let whole = Math.round(seconds);
  if (whole < 60) return whole + "s";
  let minutes = Math.floor(whole / 60);
  const secs = whole % 60;
  if (minutes < 60) return `${minutes}m${String(secs).padStart(2, "0")}s`;
  let hours = Math.floor(minutes / 60);
  minutes %= 60;
  if (hours < 48) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  const days = Math.floor(hours / 24);
  hours %= 24;
  return `${days}d${String(hours).padStart(2, "0")}h`;
}

function number(value) {
  return value === null || value === undefined ? "-" : String(value);
}

function cell(text, field, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (field) td.dataset.field = field;
  if (className) td.className = className;
  return td;
}

function verdictCell(verdict) {
  return cell(verdict, "verdict", "verdict-" + verdict);
}

function fillBody(table, rows) {
  table.tBodies[0].replaceChildren(...rows);
}

function renderGroups(lag) {
  const pills = [];
  const rows = [];
  for (const [name, group] of Object.entries(lag.groups)) {
    const pill = document.createElement("span");
    pill.className = "pill verdict-" + group.verdict;
    pill.dataset.group = name;
    pill.textContent = `${name}: ${group.verdict}`;
    pills.push(pill);

    const head = document.createElement("tr");
    head.className = "group-row";
    head.dataset.group = name;
    head.append(
      cell(`${name} (${group.state}, ${group.members} member(s))`, "group"),
      cell(""), cell(""), cell(""),
      cell(String(group.lag), "lag"),
      cell(formatSeconds(group.lag_seconds), "lag_seconds"),
      cell(""), cell(""),
      verdictCell(group.verdict),
    );
    rows.push(head);
    for (const p of group.partitions) {
      const row = document.createElement("tr");
      row.dataset.group = name;
      row.dataset.topic = p.topic;
      row.dataset.partition = String(p.partition);
      const estimated = p.lag_seconds_source === "interpolated"
        || p.lag_seconds_source === "extrapolated";
      const trend = p.trend && p.lag_rate !== null
        ? `${TREND_ARROWS[p.trend]} ${p.lag_rate >= 0 ? "+" : ""}${p.lag_rate.toFixed(1)}/s` : "-";
      row.append(
        cell(p.topic, "topic", "topic"),
        cell(String(p.partition), "partition"),
        cell(String(p.committed), "committed"),
        cell(number(p.log_end), "log_end"),
        cell(number(p.lag), "lag"),
        cell((estimated ? "~" : "") + formatSeconds(p.lag_seconds), "lag_seconds"),
        cell(trend, "trend"),
        cell(formatSeconds(p.time_to_clear), "time_to_clear"),
        verdictCell(p.verdict),
      );
      rows.push(row);
    }
  }
  document.getElementById("groups").replaceChildren(...pills);
  fillBody(document.getElementById("lag-table"), rows);
}

function lastValue(values) {
  const known = (values || []).filter((v) => v !== null && v !== undefined);
  return known.length ? known[known.length - 1] : null;
}

function renderAgents(agents, series) {
  fillBody(document.getElementById("agents-table"), agents.map((a) => {
    const row = document.createElement("tr");
    row.dataset.agent = a.agent;
    const perSecond = lastValue(series.throughput[a.agent]);
    row.append(cell(a.agent, "agent"), cell(number(a.records_in), "records_in"),
               cell(number(a.records_out), "records_out"),
               cell(perSecond === null ? "-" : perSecond.toFixed(1), "rate"));
    return row;
  }));
}

function renderPartners(partners) {
  fillBody(document.getElementById("partners-table"), partners.map((p) => {
    const row = document.createElement("tr");
    row.dataset.partner = p.partner;
    row.append(cell(p.partner, "partner"),
               cell(formatSeconds(p.last_record_age_seconds), "last_record_age"),
               cell(formatSeconds(p.newest_event_age_seconds), "newest_event_age"));
    return row;
  }));
}

function renderDeadLetters(letters) {
  const total = document.getElementById("dlq-total");
  total.dataset.total = number(letters.total);
  total.textContent = letters.total === null ? "(still reading the DLQ…)" : `${letters.total} in all`;
  fillBody(document.getElementById("dlq-table"), (letters.by_reason || []).map((d) => {
    const row = document.createElement("tr");
    row.dataset.partner = d.partner;
    row.dataset.reason = d.reason;
    row.append(cell(d.partner, "partner"), cell(d.stage, "stage"), cell(d.reason, "reason"),
               cell(String(d.count), "count"));
    return row;
  }));
}

function renderStatus(body) {
  const status = document.getElementById("status");
  const snapshot = body.snapshot;
  status.classList.toggle("failing", !body.status.ok && body.status.attempts > 0);
  if (!snapshot) {
    status.textContent = body.status.last_error
      ? `collection failing: ${body.status.last_error}` : "waiting for the first collection…";
    return;
  }
  const read = new Date(snapshot.time * 1000).toTimeString().slice(0, 8);
  status.textContent = body.status.ok
    ? `read at ${read}, every ${body.interval_seconds}s`
    : `stale: last read at ${read}; ${body.status.last_error}`;
}

function renderCharts(series) {
  drawLineChart(document.getElementById("chart-lag"), series.time, series.lag);
  drawLineChart(document.getElementById("chart-throughput"), series.time, series.throughput);
  drawLineChart(document.getElementById("chart-dlq"), series.time,
                { "dead letters": series.dlq_per_minute });
  drawLineChart(document.getElementById("chart-freshness"), series.time, series.record_age);
}

async function refresh() {
  if (!token) {
    showFailure("open this page as /#token=<token>, with a token of scope ops:read "
                + "(lintas tokens create --scope ops:read)", "missing");
    return;
  }
  try {
    const [body, series] = await Promise.all([getJson("/api/snapshot"), getJson("/api/series")]);
    document.body.dataset.auth = "ok";
    renderStatus(body);
    renderCharts(series);
    if (body.snapshot) {
      renderGroups(body.snapshot.lag);
      renderAgents(body.snapshot.agents, series);
      renderPartners(body.snapshot.partners);
      renderDeadLetters(body.snapshot.dead_letters);
      document.body.dataset.ready = "true";
      document.body.dataset.snapshotTime = String(body.snapshot.time);
    }
  } catch (error) {
    if (error.auth) showFailure(error.message, error.auth);
    else showFailure(`the ops server does not answer: ${error}`, document.body.dataset.auth);
  }
}

window.addEventListener("hashchange", () => {
  token = readToken();
  refresh();
});
refresh();
setInterval(refresh, REFRESH_MS);
