// A UDP relay on its own thread, between the bot and the offline Discord's voice servers: it timestamps every
// RTP packet the moment its event loop (which does nothing else) reads it, then forwards it unchanged. The
// fake's main thread also serves REST, the gateway, TLS handshakes and decryption, so its own timestamps carry
// its queueing; this thread's are close to when the bot actually sent. Plain JS: it runs in a worker thread.
import { createSocket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';

const LATE_GAP_MS = 40;
const BINS = 4001; // 0.5 ms bins up to 2 s
const RECV_BUFFER = 4 * 1024 * 1024;

/** Per SSRC: the last arrival, and window counters while it is being measured. */
const streams = new Map();
let windowSsrcs = new Set();
/** Whole-process stalls while a window is open: no packet from any measured stream for > STALL_MS. */
const STALL_MS = 30;
let stall = { lastAny: 0, count: 0, maxMs: 0, totalMs: 0 };
/** While tracing (the start-at-once phase): every arrival of the traced SSRCs, up to `max` each. */
let trace;

function stream(ssrc) {
  let s = streams.get(ssrc);
  if (!s) {
    s = { lastAt: 0, window: undefined };
    streams.set(ssrc, s);
  }
  return s;
}

function onRtp(msg, at) {
  const ssrc = msg.readUInt32BE(8);
  const traced = trace?.times.get(ssrc);
  if (traced && traced.length < trace.max) traced.push(at);
  const s = stream(ssrc);
  const w = s.window;
  if (w) {
    if (stall.lastAny > 0 && at - stall.lastAny > STALL_MS) {
      const ms = at - stall.lastAny;
      stall.count += 1;
      stall.totalMs += ms;
      if (ms > stall.maxMs) stall.maxMs = ms;
    }
    stall.lastAny = at;
    w.packets += 1;
    if (s.lastAt > 0) {
      const gap = at - s.lastAt;
      w.hist[Math.min(BINS - 1, Math.max(0, Math.round(gap * 2)))] += 1;
      w.gaps += 1;
      if (gap > LATE_GAP_MS) w.late += 1;
      if (gap > w.maxGap) w.maxGap = gap;
    }
  }
  s.lastAt = at;
}

/** One relay: a socket the bot sends to, and one upstream socket per bot socket towards the real server. */
function startRelay(id, targetPort) {
  const front = createSocket('udp4');
  const upstreams = new Map();
  front.on('message', (msg, rinfo) => {
    const at = performance.now();
    if (msg.length > 12 && (msg[0] & 0xc0) === 0x80) onRtp(msg, at);
    const key = `${rinfo.address}:${rinfo.port}`;
    let up = upstreams.get(key);
    if (!up) {
      up = createSocket('udp4');
      up.on('message', (reply) => front.send(reply, rinfo.port, rinfo.address));
      up.on('error', () => undefined);
      up.bind(0, '127.0.0.1');
      upstreams.set(key, up);
    }
    up.send(msg, targetPort, '127.0.0.1');
  });
  front.on('error', () => undefined);
  front.bind(0, '127.0.0.1', () => {
    try {
      front.setRecvBufferSize(RECV_BUFFER);
    } catch {
      // capped by net.core.rmem_max
    }
    parentPort.postMessage({ type: 'ready', id, port: front.address().port });
  });
}

parentPort.on('message', (m) => {
  if (m.type === 'relay') startRelay(m.id, m.target);
  else if (m.type === 'trace') {
    trace = { max: m.max, times: new Map(m.ssrcs.map((ssrc) => [ssrc, []])) };
    parentPort.postMessage({ type: 'tracing', id: m.id });
  } else if (m.type === 'untrace') {
    // Arrival times on this thread's clock; its time origin lets the caller map them onto its own.
    const times = Object.fromEntries(trace?.times ?? []);
    trace = undefined;
    parentPort.postMessage({ type: 'traced', id: m.id, origin: performance.timeOrigin, times });
  } else if (m.type === 'start') {
    for (const s of streams.values()) s.window = undefined;
    windowSsrcs = new Set(m.ssrcs);
    for (const ssrc of windowSsrcs)
      stream(ssrc).window = { packets: 0, gaps: 0, late: 0, maxGap: 0, hist: new Uint32Array(BINS) };
    stall = { lastAny: 0, count: 0, maxMs: 0, totalMs: 0 };
    parentPort.postMessage({ type: 'started', id: m.id });
  } else if (m.type === 'end') {
    const hist = new Uint32Array(BINS);
    let packets = 0;
    let gaps = 0;
    let late = 0;
    let maxGap = 0;
    let silent = 0;
    for (const ssrc of windowSsrcs) {
      const w = streams.get(ssrc)?.window;
      if (!w) continue;
      packets += w.packets;
      gaps += w.gaps;
      late += w.late;
      maxGap = Math.max(maxGap, w.maxGap);
      if (w.packets === 0) silent += 1;
      for (let i = 0; i < BINS; i += 1) hist[i] += w.hist[i];
      streams.get(ssrc).window = undefined;
    }
    const quantile = (q) => {
      if (gaps === 0) return Number.NaN;
      const target = Math.ceil(q * gaps);
      let seen = 0;
      for (let i = 0; i < BINS; i += 1) {
        seen += hist[i];
        if (seen >= target) return i / 2;
      }
      return (BINS - 1) / 2;
    };
    parentPort.postMessage({
      type: 'stats',
      id: m.id,
      streams: windowSsrcs.size,
      packets,
      gaps,
      late,
      maxGap,
      silent,
      p50: quantile(0.5),
      p99: quantile(0.99),
      stalls: stall.count,
      stallMaxMs: stall.maxMs,
      stallTotalMs: stall.totalMs,
    });
    windowSsrcs = new Set();
  }
});
