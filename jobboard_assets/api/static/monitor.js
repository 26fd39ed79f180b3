// The pipeline monitor: stats, recent runs, Run Now and two small SVG charts.
// Every value that comes from the warehouse (board names, run ids, errors) is inserted with
// textContent, never as markup, so text scraped from a board can never become HTML.
"use strict";

const REFRESH_INTERVAL_MS = 30000;
const SVG_NS = "http://www.w3.org/2000/svg";
const byId = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    throw new Error(`HTTP ${response.status}`);
  }
  if (!response.ok || !body.success) {
    throw new Error(body.error || `HTTP ${response.status}`);
  }
  return body.data;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svgElement(tag, attributes, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

function formatPercent(value) {
  return value === null || value === undefined ? "–" : `${value}%`;
}

function formatMoment(iso) {
  return iso ? new Date(iso).toLocaleString() : "–";
}

function showMessage(text, isError) {
  const message = byId("message");
  message.textContent = text;
  message.classList.toggle("error", Boolean(isError));
  message.hidden = false;
}

// --- stats card and runs ------------------------------------------------------------------

function renderStats(stats) {
  byId("stat-runs").textContent =
    `${stats.totalRuns} (${stats.successfulRuns} completed, ${stats.partialRuns} partial, ${stats.failedRuns} failed)`;
  byId("stat-success-rate").textContent = formatPercent(stats.successRate);
  byId("stat-jobs").textContent =
    `${stats.totalJobs} (${stats.completedJobs} completed, ${stats.failedJobs} failed)`;
  byId("stat-duration").textContent = formatDuration(stats.avgDurationSeconds);
}

function renderRun(run) {
  const item = element("li", "run");
  item.dataset.runId = run.runId;
  const head = element("div", "run-head");
  head.append(
    element("span", `badge badge-${run.status}`, run.status),
    element("span", "run-id", run.runId),
    element("span", "muted", `${run.trigger || "unknown"} · started ${formatMoment(run.startTime)}`),
  );
  const counts = element(
    "div",
    "run-counts",
    `${run.completedJobs}/${run.totalJobs} jobs completed, ${run.failedJobs} failed · ` +
      (run.durationSeconds === null ? "in progress" : formatDuration(run.durationSeconds)),
  );
  item.append(head, counts);
  if (run.errors.length) {
    const errors = element("ul", "errors");
    for (const error of run.errors) errors.append(element("li", null, error));
    item.append(errors);
  }
  return item;
}

function renderRuns(runs) {
  const list = byId("runs");
  list.replaceChildren(...runs.map(renderRun));
  if (!runs.length) list.append(element("li", "muted", "No runs yet."));
}

// --- charts -------------------------------------------------------------------------------

function drawEmpty(chart, text) {
  chart.setAttribute("viewBox", "0 0 600 40");
  chart.replaceChildren(svgElement("text", { x: 10, y: 25, class: "chart-empty" }, text));
}

// Horizontal bars, best board first: name, bar proportional to the 0-100 score, score, grade
// and the board's fake-fresh share; a board without a trustworthy lifespan estimate yet shows
// "insufficient data" instead of a bar. At the right, the share of the board's postings that
// state pay (pay transparency), where it is known.
function gradeText(board) {
  if (!board.insufficientData) return board.grade ?? "";
  return board.boundedGrade ? `insufficient data · ${board.boundedGrade}` : "insufficient data";
}

function freshText(board) {
  const share = board.fakeFreshShare == null ? "" : ` · ${Math.round(board.fakeFreshShare * 100)}% fake-fresh`;
  return board.ghostHeavy ? `${share} · ghost-heavy` : share;
}

function drawScoreChart(boards) {
  const chart = byId("score-chart");
  if (!boards.length) return drawEmpty(chart, "No scores yet.");
  const rowHeight = 26, labelWidth = 190, barWidth = 280, payX = 720, width = 800;
  chart.setAttribute("viewBox", `0 0 ${width} ${boards.length * rowHeight + 8}`);
  chart.replaceChildren();
  boards.forEach((board, index) => {
    const y = index * rowHeight + 4;
    const score = board.overallScore ?? 0;
    const rank = board.rank ?? "–";
    const pay = board.payStatedPct == null ? "" : ` · pay stated in ${formatPercent(board.payStatedPct)}`;
    const grade = board.insufficientData ? "insufficient" : (board.grade || "none").replace("+", "plus");
    const row = svgElement("g", { class: `score-row grade-${grade}` });
    const value = board.insufficientData ? gradeText(board) : `${score.toFixed(1)} ${gradeText(board)}`.trim();
    row.append(
      svgElement("title", {}, `${rank}. ${board.boardName}: ${value}${freshText(board)}${pay}`),
      svgElement("text", { x: labelWidth - 8, y: y + 16, class: "bar-label", "text-anchor": "end" },
        `${rank}. ${board.boardName}`),
      svgElement("rect", { x: labelWidth, y: y + 3, height: rowHeight - 8, class: "bar",
        width: Math.max(1, (score / 100) * barWidth).toFixed(1) }),
      svgElement("text", { x: labelWidth + (score / 100) * barWidth + 6, y: y + 16, class: "bar-value" },
        `${value}${freshText(board)}`),
    );
    if (board.payStatedPct != null) {
      row.append(svgElement("text", { x: payX, y: y + 16, class: "bar-pay" },
        `pay ${formatPercent(board.payStatedPct)}`));
    }
    chart.append(row);
  });
}

// Vertical bars, one per day-9 bucket, with the count above each bar.
function drawLifespanChart(buckets) {
  const chart = byId("lifespan-chart");
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const width = 600, height = 220, plotTop = 20, plotHeight = 160;
  const slot = width / buckets.length, largest = Math.max(1, ...buckets.map((b) => b.count));
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.replaceChildren();
  buckets.forEach((bucket, index) => {
    const barHeight = (bucket.count / largest) * plotHeight;
    const x = index * slot + slot * 0.15;
    const group = svgElement("g", { class: "bucket" });
    group.append(
      svgElement("title", {}, `${bucket.range} days: ${bucket.count} postings (${formatPercent(bucket.percentage)})`),
      svgElement("rect", { x: x.toFixed(1), y: (plotTop + plotHeight - barHeight).toFixed(1),
        width: (slot * 0.7).toFixed(1), height: Math.max(barHeight, 1).toFixed(1), class: "bar" }),
      svgElement("text", { x: (x + slot * 0.35).toFixed(1), y: (plotTop + plotHeight - barHeight - 5).toFixed(1),
        class: "bar-value", "text-anchor": "middle" }, bucket.count),
      svgElement("text", { x: (x + slot * 0.35).toFixed(1), y: plotTop + plotHeight + 20,
        class: "bar-label", "text-anchor": "middle" }, `${bucket.range} d`),
    );
    chart.append(group);
  });
  if (!total) chart.append(svgElement("text", { x: 10, y: 14, class: "chart-empty" }, "No closed postings yet."));
}

// --- loading ------------------------------------------------------------------------------

async function section(load, render, onError) {
  try {
    render(await load());
  } catch (error) {
    onError(error);
  }
}

async function refresh() {
  await Promise.all([
    section(() => api("/api/pipeline?action=stats&days=7"), (stats) => {
      byId("stats-error").hidden = true;
      renderStats(stats);
    }, (error) => {
      byId("stats-error").textContent = `Could not load statistics: ${error.message}`;
      byId("stats-error").hidden = false;
    }),
    section(() => api("/api/pipeline?action=history&limit=10"), renderRuns,
      (error) => showMessage(`Could not load runs: ${error.message}`, true)),
    section(() => api("/api/scores?action=ranked"), (boards) => {
      byId("score-date").textContent = boards.length ? `(${boards[0].scoreDate})` : "";
      drawScoreChart(boards);
    }, (error) => drawEmpty(byId("score-chart"), `Could not load scores: ${error.message}`)),
    section(() => api("/api/lifespan?action=distribution"), drawLifespanChart,
      (error) => drawEmpty(byId("lifespan-chart"), `Could not load lifespans: ${error.message}`)),
  ]);
  byId("runs-loading").hidden = true;
  byId("updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

async function runNow() {
  const input = byId("token");
  const token = input.value.trim() || (window.prompt("API token for Run Now") || "").trim();
  if (!token) {
    showMessage("Run Now needs the API token.", true);
    return;
  }
  const button = byId("run-now");
  button.disabled = true;
  try {
    const run = await api("/api/pipeline", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ action: "run" }),
    });
    showMessage(`Run ${run.runId} requested; the scheduler starts it shortly.`, false);
    await refresh();
  } catch (error) {
    showMessage(`Run Now refused: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

byId("refresh").addEventListener("click", () => refresh());
byId("run-now").addEventListener("click", () => runNow());
refresh();
setInterval(refresh, REFRESH_INTERVAL_MS);
