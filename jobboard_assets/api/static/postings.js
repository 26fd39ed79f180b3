// The postings view: search with filters, a posting's evidence and a small SVG timeline of
// its spans, re-stamps, earlier postings of the same job and its listings on other boards.
// Scraped text (titles, boards, companies) is inserted with textContent only.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const DAY_MS = 86400000;
  const PAGE_SIZE = 10;
  let nextCursor = null;

  async function get(path) {
    const response = await fetch(path);
    const body = await response.json().catch(() => ({ success: false, error: `HTTP ${response.status}` }));
    if (!response.ok || !body.success) throw new Error(body.error || `HTTP ${response.status}`);
    return body.data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function query(cursor) {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort: $("p-sort").value });
    const text = $("p-q").value.trim();
    if (text) params.set("q", text);
    for (const [id, name] of [["p-status", "status"], ["p-workplace", "workplaceType"]]) {
      if ($(id).value) params.set(name, $(id).value);
    }
    if ($("p-min-age").value) params.set("minAge", $("p-min-age").value);
    if ($("p-fake-fresh").checked) params.set("fakeFresh", "true");
    if ($("p-pay").checked) params.set("payStated", "true");
    if (cursor) params.set("cursor", cursor);
    return `/api/postings?${params}`;
  }

  function row(item) {
    const li = el("li", "posting");
    li.dataset.postingId = item.id;
    const open = el("button", "link posting-title", item.title);
    open.type = "button";
    open.addEventListener("click", () => showEvidence(item.id));
    const flags = [
      item.isActive ? "open" : "closed",
      `${item.ageDays} d`,
      item.fakeFresh ? "fake-fresh" : null,
      item.repostCount ? `${item.repostCount} reposts` : null,
      item.payStated ? "pay stated" : null,
    ].filter(Boolean);
    li.append(open, el("span", "muted", ` ${item.boardName} · ${item.company ?? "–"} · first seen ${item.firstSeen}`),
      el("span", "flags", ` ${flags.join(" · ")}`));
    return li;
  }

  async function search(more) {
    const list = $("posting-results");
    try {
      const page = await get(query(more ? nextCursor : null));
      if (!more) list.replaceChildren();
      list.append(...page.items.map(row));
      if (!more && !page.items.length) list.append(el("li", "muted", "No posting matches."));
      nextCursor = page.nextCursor;
      $("posting-more").hidden = !nextCursor;
      $("posting-as-of").textContent = page.asOf ? `ages as of ${page.asOf}` : "";
    } catch (error) {
      list.replaceChildren(el("li", "error", `Could not search: ${error.message}`));
    }
  }

  const day = (iso) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

  // One row per listing: this posting's spans (with a tick per re-stamp), each earlier posting
  // of the same job, each listing on another board; days run left to right up to asOf.
  function drawTimeline(evidence) {
    const chart = $("posting-timeline");
    const rows = [
      { label: "this posting", spans: evidence.history.spans.map((s) => [s.firstDay, s.lastDay]), kind: "self" },
      ...evidence.repostChain.map((p) => ({ label: `earlier: ${p.firstSeen}`, spans: [[p.firstSeen, p.lastSeen]], kind: "repost" })),
      ...evidence.otherBoards.map((p) => ({ label: p.boardName, spans: [[p.firstSeen, p.lastSeen]], kind: "other" })),
    ];
    const start = Math.min(...rows.flatMap((r) => r.spans.map((s) => day(s[0]))));
    const end = Math.max(day(evidence.asOf), ...rows.flatMap((r) => r.spans.map((s) => day(s[1]))));
    const width = 640, labelWidth = 150, rowHeight = 22, plot = width - labelWidth - 10;
    const x = (iso) => labelWidth + ((day(iso) - start) / Math.max(DAY_MS, end - start + DAY_MS)) * plot;
    const dayWidth = plot / ((end - start) / DAY_MS + 1);
    chart.setAttribute("viewBox", `0 0 ${width} ${rows.length * rowHeight + 24}`);
    chart.replaceChildren();
    rows.forEach((r, index) => {
      const y = index * rowHeight + 4;
      const group = svg("g", { class: `timeline-row timeline-${r.kind}` });
      group.append(svg("text", { x: labelWidth - 6, y: y + 14, "text-anchor": "end", class: "bar-label" }, r.label));
      for (const [first, last] of r.spans) {
        group.append(svg("rect", { x: x(first).toFixed(1), y: y + 3, height: rowHeight - 8, class: "span",
          width: Math.max(2, x(last) - x(first) + dayWidth).toFixed(1) },
        ), svg("title", {}, `${first} to ${last}`));
      }
      if (r.kind === "self") {
        for (const stamp of evidence.history.restamps) {
          group.append(svg("line", { x1: x(stamp.day).toFixed(1), x2: x(stamp.day).toFixed(1), y1: y, y2: y + rowHeight - 2, class: "restamp" }));
        }
      }
      chart.append(group);
    });
    const axisY = rows.length * rowHeight + 18;
    chart.append(svg("text", { x: labelWidth, y: axisY, class: "bar-value" }, new Date(start).toISOString().slice(0, 10)),
      svg("text", { x: width - 10, y: axisY, class: "bar-value", "text-anchor": "end" }, evidence.asOf));
  }

  async function showEvidence(id) {
    const panel = $("posting-evidence");
    panel.hidden = false;
    try {
      const evidence = await get(`/api/postings/${id}`);
      const p = evidence.posting;
      $("evidence-title").textContent = `${p.title} · ${p.boardName}`;
      $("evidence-likelihood").textContent =
        `Stale likelihood ${(evidence.staleLikelihood * 100).toFixed(0)}%` +
        (evidence.staleDrivers.length ? ` (driven by ${evidence.staleDrivers.join(", ")})` : " (no signal fired)");
      $("evidence-likelihood").classList.toggle("stale", evidence.stale);
      const facts = $("evidence-facts");
      facts.replaceChildren(
        ...[
          ["First seen", `${p.firstSeen} (age ${p.ageDays} days)`],
          ["Board median / p90", `${evidence.boardLifespan.medianDays ?? "–"} / ${evidence.boardLifespan.p90Days ?? "–"} days (${evidence.boardLifespan.scope})`],
          ["Re-stamps", String(evidence.history.restamps.length)],
          ["Earlier postings", String(evidence.repostChain.length)],
          ["Other boards", evidence.otherBoards.map((o) => o.boardName).join(", ") || "none"],
          ["Listed after expiry", evidence.listedAfterExpiry ? "yes" : "no"],
          ["Pay stated", p.payStated ? `${p.salaryMin}–${p.salaryMax ?? ""} ${p.salaryCurrency ?? ""}` : "no"],
        ].map(([name, value]) => {
          const item = el("div");
          item.append(el("dt", null, name), el("dd", null, value));
          return item;
        }),
      );
      $("evidence-signals").replaceChildren(
        ...evidence.signals.map((s) => {
          const li = el("li", s.fired ? "signal fired" : "signal", `${s.name}: ${s.value ?? "–"} (weight ${s.weight})`);
          li.dataset.signal = s.name;
          return li;
        }),
      );
      drawTimeline(evidence);
    } catch (error) {
      $("evidence-title").textContent = `Could not load the posting: ${error.message}`;
    }
  }

  $("posting-search").addEventListener("submit", (event) => {
    event.preventDefault();
    search(false);
  });
  $("posting-more").addEventListener("click", () => search(true));
  search(false);
})();
