// Traffic of a workspace, application, version or node, from the router
// stats: the history for the chosen range (GET .../router/stats/KIND/ID
// ?history=S&metric=M), then live per-second points from the stats stream.
// uPlot draws it: a small library made for time series.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, stream } from './api.js';
import { html, ErrorBox } from './ui.js';

const RANGES = [['5 min', 300], ['1 h', 3600], ['6 h', 6 * 3600], ['1 day', 86400], ['7 days', 7 * 86400],
  ['30 days', 30 * 86400]];
const VIEWS = {
  requests: { label: 'requests/s', series: [['requests', 'requests/s']] },
  status: { label: 'responses/s by class', series: [['2xx', '2xx/s'], ['3xx', '3xx/s'], ['4xx', '4xx/s'], ['5xx', '5xx/s']] },
  bytes: { label: 'bytes/s', series: [['bytes', 'bytes/s']] },
  upstream: { label: 'upstream time (ms, mean)', series: [['upstream', 'ms']] },
};
const COLOURS = ['#2b6cb0', '#2f855a', '#b7791f', '#c53030'];
const MAX_POINTS = 400;

// Sums a metric's points into `bins` equal buckets from `from` to `to`.
function binned(points, from, to, bins) {
  const width = Math.max(1, (to - from) / bins);
  const sums = new Array(bins).fill(0);
  for (const [start, value] of points) {
    const i = Math.floor((start - from) / width);
    if (i >= 0 && i < bins) sums[i] += value;
  }
  return { width, sums };
}

async function loadHistory(kind, id, view, seconds) {
  const metrics = view === 'upstream' ? ['time', 'timecount'] : VIEWS[view].series.map(([m]) => m);
  const answers = await Promise.all(metrics.map((m) =>
    get(`/router/stats/${kind}/${id}?history=${seconds}&metric=${encodeURIComponent(m)}`)));
  const to = answers[0].history.to;
  const from = to - seconds;
  const bins = Math.min(MAX_POINTS, seconds);
  const series = answers.map((a) => binned(a.history.points, from, to, bins));
  const width = series[0].width;
  const xs = series[0].sums.map((_, i) => from + i * width);
  if (view === 'upstream') {
    const [time, count] = series;
    return [xs, time.sums.map((t, i) => (count.sums[i] ? t / count.sums[i] : null))];
  }
  return [xs, ...series.map((s) => s.sums.map((v) => v / width))];
}

function liveValues(view, totals, previous, elapsed) {
  const d = (k) => ((totals[k] || 0) - (previous[k] || 0));
  if (view === 'upstream') return [d('timecount') ? d('time') / d('timecount') : null];
  return VIEWS[view].series.map(([m]) => d(m) / elapsed);
}

export function TrafficGraph({ kind, id, title }) {
  const [range, setRange] = useState(300);
  const [view, setView] = useState('requests');
  const [error, setError] = useState(null);
  const [latest, setLatest] = useState(null);
  const box = useRef(null);

  useEffect(() => {
    let plot = null;
    let source = null;
    let closed = false;
    let data = null;
    let previous = null;
    loadHistory(kind, id, view, range).then((initial) => {
      if (closed || !box.current) return;  // the page moved on while the history was read
      data = initial;
      const series = [{}, ...VIEWS[view].series.map(([, label], i) => ({ label, stroke: COLOURS[i], width: 2 }))];
      plot = new uPlot({ width: Math.max(320, box.current.clientWidth || 640), height: 220, series,
        scales: { x: { time: true } }, axes: [{}, { label: VIEWS[view].label }] }, data, box.current);
      // Live: one point a second, appended; the oldest leaves the window.
      source = stream(`/router/stats/${kind}/${id}/stream?interval=1`, (event) => {
        if (event.error || !event.totals) return;
        if (previous) {
          const elapsed = Math.max(0.2, event.time - previous.time);
          const values = liveValues(view, event.totals, previous.totals, elapsed);
          setLatest(values[0]);
          data[0].push(event.time);
          values.forEach((v, i) => data[i + 1].push(v));
          while (data[0].length > 1 && data[0][0] < event.time - range) data.forEach((s) => s.shift());
          plot.setData(data);
        }
        previous = event;
      });
    }, setError);
    return () => {
      closed = true;
      if (source) source.close();
      if (plot) plot.destroy();
    };
  }, [kind, id, view, range]);

  return html`<section class="graph" data-test="traffic-graph">
    <h3>${title || 'Traffic'}</h3>
    <div class="controls">
      <select value=${view} onChange=${(e) => setView(e.target.value)} aria-label="metric">
        ${Object.entries(VIEWS).map(([k, v]) => html`<option value=${k}>${v.label}</option>`)}
      </select>
      <select value=${range} onChange=${(e) => setRange(Number(e.target.value))} aria-label="time range">
        ${RANGES.map(([label, s]) => html`<option value=${s}>${label}</option>`)}
      </select>
      <span class="latest" data-test="latest-rate">${latest == null ? '' : 'now: ' + latest.toFixed(2)}</span>
    </div>
    <${ErrorBox} error=${error} />
    <div ref=${box} class="plot"></div>
  </section>`;
}
