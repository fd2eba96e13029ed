// A small SVG line chart for the lintas ops dashboard: no dependencies, no build step.
// drawLineChart(container, times, series): times are epoch seconds, series maps a name
// to one value (or null, a gap) per time.
"use strict";

const LINTAS_COLORS = [
  "#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#b7791f",
  "#2c7a7b", "#d53f8c", "#4a5568", "#718096", "#38a169", "#e53e3e",
];
const SVG_NS = "http://www.w3.org/2000/svg";
const CHART_HEIGHT = 190;

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

// Round numbers for an axis from 0 (or the minimum, when negative) to the maximum.
function niceTicks(low, high, count) {
  if (high <= low) high = low + 1;
  const raw = (high - low) / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.floor(low / step) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < high) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function shortNumber(value) {
  const size = Math.abs(value);
  if (size >= 1e6) return (value / 1e6).toFixed(size >= 1e7 ? 0 : 1) + "M";
  if (size >= 1e3) return (value / 1e3).toFixed(size >= 1e4 ? 0 : 1) + "k";
  if (size > 0 && size < 1) return value.toFixed(2);
  return String(Math.round(value * 10) / 10);
}

function clockTime(epochSeconds) {
  return new Date(epochSeconds * 1000).toTimeString().slice(0, 8);
}

function drawLineChart(container, times, series) {
  const width = Math.max(container.clientWidth, 300);
  const height = CHART_HEIGHT;
  const margin = { left: 48, right: 10, top: 8, bottom: 22 };
  const names = Object.keys(series).sort();
  const values = names.flatMap((n) => series[n]).filter((v) => v !== null && v !== undefined);
  container.replaceChildren();
  container.dataset.series = String(names.length);
  container.dataset.points = String(times.length);
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  container.appendChild(svg);
  if (times.length === 0 || values.length === 0) {
    svg.appendChild(svgElement("text", { x: width / 2, y: height / 2, "text-anchor": "middle",
                                         class: "empty" }, "no data yet"));
    return;
  }
  const t0 = times[0];
  const t1 = times.length > 1 ? times[times.length - 1] : t0 + 1;
  const ticks = niceTicks(Math.min(0, ...values), Math.max(...values), 4);
  const yLow = ticks[0];
  const yHigh = ticks[ticks.length - 1];
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (t) => margin.left + ((t - t0) / (t1 - t0)) * plotWidth;
  const y = (v) => margin.top + plotHeight - ((v - yLow) / (yHigh - yLow)) * plotHeight;

  for (const tick of ticks) {
    svg.appendChild(svgElement("line", { x1: margin.left, x2: width - margin.right,
                                         y1: y(tick), y2: y(tick), class: "axis" }));
    svg.appendChild(svgElement("text", { x: margin.left - 6, y: y(tick) + 3,
                                         "text-anchor": "end", class: "tick" },
                               shortNumber(tick)));
  }
  const labels = [[t0, "start"], [(t0 + t1) / 2, "middle"], [t1, "end"]];
  for (const [t, anchor] of times.length > 1 ? labels : [[t0, "start"]]) {
    svg.appendChild(svgElement("text", { x: x(t), y: height - 6, "text-anchor": anchor,
                                         class: "tick" }, clockTime(t)));
  }
  names.forEach((name, index) => {
    const color = LINTAS_COLORS[index % LINTAS_COLORS.length];
    let path = "";
    let pen = false;
    series[name].forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      path += `${pen ? "L" : "M"}${x(times[i]).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    if (path) {
      svg.appendChild(svgElement("path", { d: path, fill: "none", stroke: color,
                                           "stroke-width": 2, "data-name": name }));
    }
    const last = series[name].filter((v) => v !== null && v !== undefined).pop();
    if (last !== undefined && times.length === 1) {
      svg.appendChild(svgElement("circle", { cx: x(times[0]), cy: y(last), r: 3, fill: color }));
    }
  });
  const legend = document.createElement("div");
  legend.className = "legend";
  names.forEach((name, index) => {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = LINTAS_COLORS[index % LINTAS_COLORS.length];
    item.append(swatch, name);
    legend.appendChild(item);
  });
  container.appendChild(legend);
}
