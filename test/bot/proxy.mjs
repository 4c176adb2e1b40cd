// A thin proxy in front of telegram-test-api for what the fake lacks (TESTING.md):
//  - getUpdates honours `offset` (updates below it are confirmed and dropped; others are
//    served again, as Telegram does) and `timeout` (long polling: the request is held until
//    a user update arrives), so a killed bot gets its unconfirmed updates back;
//  - on demand it answers getUpdates with 429 + retry_after, or with a 500, or replays
//    updates that were already confirmed; other methods with a 502 or a 429, or not at all;
//  - tokens it does not know get Telegram's 401.
// Every other request is forwarded unchanged. It records getUpdates calls (time, offset,
// how many are in flight at once) and the bot's other calls.
import http from 'node:http';

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class Proxy {
  constructor(fakeUrl, tokens) {
    this.fake = fakeUrl;
    this.tokens = new Set(tokens);
    this.buffer = [];        // updates pulled from the fake, not yet confirmed by an offset
    this.waiters = new Set();
    this.polls = [];          // {t, offset}
    this.calls = [];          // {t, method, body}
    this.callWaiters = [];
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.pending429 = [];     // retry_after values to answer with
    this.served429 = [];      // times a 429 was sent
    this.pending500 = 0;
    this.served500 = 0;
    this.failCalls = {};      // method -> how many of its next calls get a 502
    this.limitCalls = {};     // method -> how many of its next calls get a 429 (retry_after 1)
    this.hangCalls = {};      // method -> how many of its next calls are never answered
    this.hung = [];
    this.history = [];        // every update pulled from the fake, in order
    this.replayQueue = [];    // served once more, below the offset (a misbehaving server)
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => send(res, 502, { ok: false, error_code: 502, description: String(e) }));
    });
  }

  listen(port) {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${port}`)));
  }

  close() {
    for (const w of this.waiters) w();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  fail429(times, retryAfter) {
    for (let i = 0; i < times; i++) this.pending429.push(retryAfter);
  }

  fail500(times) {
    this.pending500 += times;
  }

  // The next getUpdates answers the last `n` updates again, whatever the offset says.
  replay(n) {
    this.replayQueue = this.history.slice(-n);
  }

  // Resolves with {at, body} of the bot's next `method` call that matches `pred` (`at`:
  // performance.now() on arrival; `deliveredAt` is the same clock for the last non-empty
  // getUpdates answer).
  nextCall(method, pred = () => true) {
    return new Promise((resolve) => this.callWaiters.push({ method, pred, resolve }));
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  async forward(req, body) {
    const res = await fetch(this.fake + req.url, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] || 'application/json' },
      body: req.method === 'GET' ? undefined : body,
    });
    return { status: res.status, text: await res.text() };
  }

  async handle(req, res) {
    const body = await readBody(req);
    const m = req.url.match(/^\/bot([^/]+)\/([A-Za-z]+)/);
    if (!m) {
      // The test's own client routes: forward, and wake a held long poll on user input.
      const r = await this.forward(req, body);
      if (req.url.startsWith('/sendMessage') || req.url.startsWith('/sendCallback')) this.wake();
      res.writeHead(r.status, { 'content-type': 'application/json' });
      return res.end(r.text);
    }
    const [, token, method] = m;
    if (!this.tokens.has(token)) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let params = {};
    try {
      params = body ? JSON.parse(body) : {};
    } catch {}
    if (method === 'getUpdates') return this.getUpdates(token, params, res);
    if (this.hangCalls[method] > 0) {
      this.hangCalls[method]--;
      this.hung.push(res);  // never answered: a stalled Telegram
      return;
    }
    if (this.failCalls[method] > 0) {
      this.failCalls[method]--;
      return send(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' });
    }
    if (this.limitCalls[method] > 0) {
      this.limitCalls[method]--;
      return send(res, 429, {
        ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 },
      });
    }
    const t = Date.now();
    const at = performance.now();
    this.callWaiters = this.callWaiters.filter((w) => {
      if (w.method !== method || !w.pred(params)) return true;
      w.resolve({ at, body: params });
      return false;
    });
    const r = await this.forward(req, body);
    this.calls.push({ t, method, body: params });
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(r.text);
  }

  async pull(token) {
    const r = await fetch(`${this.fake}/bot${token}/getUpdates`, { method: 'POST' });
    const j = await r.json();
    if (j.ok) {
      this.buffer.push(...j.result);
      this.history.push(...j.result);
    }
  }

  async getUpdates(token, params, res) {
    const t = Date.now();
    const offset = Number(params.offset || 0);
    this.polls.push({ t, offset });
    if (this.pending429.length) {
      const retryAfter = this.pending429.shift();
      this.served429.push(Date.now());
      return send(res, 429, {
        ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    if (this.pending500 > 0) {
      this.pending500--;
      this.served500++;
      return send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    if (this.replayQueue.length) {
      const result = this.replayQueue;
      this.replayQueue = [];
      return send(res, 200, { ok: true, result });
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const deadline = t + Math.min(Number(params.timeout || 0), 50) * 1000;
      let closed = false;
      res.on('close', () => { closed = true; this.wake(); });
      for (;;) {
        await this.pull(token);
        this.buffer = this.buffer.filter((u) => u.update_id >= offset);
        if (this.buffer.length || closed || Date.now() >= deadline) break;
        await new Promise((resolve) => {
          const done = () => { this.waiters.delete(done); clearTimeout(timer); resolve(); };
          const timer = setTimeout(done, Math.max(0, Math.min(deadline - Date.now(), 1000)));
          this.waiters.add(done);
        });
      }
      if (!closed) {
        const result = this.buffer.slice(0, Number(params.limit || 100));
        if (result.length) this.deliveredAt = performance.now();
        send(res, 200, { ok: true, result });
      }
    } finally {
      this.inFlight--;
    }
  }
}
