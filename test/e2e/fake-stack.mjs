// A stand-in for nginx + the API, for developing the browser tests while the real stack
// is not running. NOT what the e2e suite is meant to test: run.mjs targets the real stack.
//   node test/e2e/fake-stack.mjs [port]     (default 18090; serves frontend/dist)
// It serves the built app with the production CSP, implements the API contract in memory
// with a tiny quick-add parser, and answers like nginx with the API down (HTML 502) while
// the file named by FAKE_DOWN_FILE (default /tmp/tudushka-fake-down) exists.
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { randomBytes } from "node:crypto";

const port = Number(process.argv[2] ?? 18090);
const dist = new URL("../../frontend/dist/", import.meta.url).pathname;
const downFile = process.env.FAKE_DOWN_FILE ?? "/tmp/tudushka-fake-down";
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};

const users = new Map(); // username -> user
const tokens = new Map(); // token -> username
const tasks = [];
let nextId = 1;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
};
const fail = (res, status, code, message, fields) =>
  send(res, status, {
    error: { code, message, ...(fields && { fields }) },
    request_id: "fake",
  });

function dayIn(tz, offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(d);
}
function instantIn(tz, day, hh, mm) {
  const guess = Date.parse(
    `${day}T${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:00Z`,
  );
  const p = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(guess));
  const g = Object.fromEntries(p.map((x) => [x.type, x.value]));
  const asUtc = Date.parse(
    `${g.year}-${g.month}-${g.day}T${g.hour}:${g.minute}:00Z`,
  );
  return new Date(guess - (asUtc - guess))
    .toISOString()
    .replace(/\.\d+Z$/, "Z");
}

function parse(text, tz) {
  const cps = Array.from(text);
  const joined = cps.join("");
  const spans = [];
  const out = {
    due_date: null,
    due_at: null,
    remind_at: null,
    priority: 0,
    tags: [],
    recurrence: null,
  };
  const rules = [
    [
      /(?<=^|\s)(tomorrow|завтра)(?=\s|$)/giu,
      "date",
      () => (out.due_date = dayIn(tz, 1)),
    ],
    [
      /(?<=^|\s)(today|сегодня)(?=\s|$)/giu,
      "date",
      () => (out.due_date = dayIn(tz, 0)),
    ],
    [
      /(?<=^|\s)(?:в|at)\s(\d{1,2})(?::(\d{2}))?(am|pm)?(?=\s|$)/giu,
      "time",
      (m) => {
        let h = Number(m[1]);
        if (m[3]?.toLowerCase() === "pm" && h < 12) h += 12;
        out.time = [h, Number(m[2] ?? 0)];
      },
    ],
    [
      /(?<=^|\s)!(high|low|urgent|срочно)(?=\s|$)/giu,
      "priority",
      (m) =>
        (out.priority = { low: 1, high: 2, urgent: 3, срочно: 3 }[
          m[1].toLowerCase()
        ]),
    ],
    [
      /(?<=^|\s)#([\p{L}\p{N}_-]+)/gu,
      "tag",
      (m) => out.tags.push(m[1].toLowerCase()),
    ],
  ];
  for (const [re, kind, apply] of rules) {
    for (const m of joined.matchAll(re)) {
      const start = Array.from(joined.slice(0, m.index)).length;
      spans.push({ start, end: start + Array.from(m[0]).length, kind });
      apply(m);
    }
  }
  if (out.time) {
    out.due_at = instantIn(tz, out.due_date ?? dayIn(tz, 0), ...out.time);
    out.due_date = null;
  }
  delete out.time;
  spans.sort((a, b) => a.start - b.start);
  const removed = new Set(
    spans.flatMap((s) =>
      Array.from({ length: s.end - s.start }, (_, i) => s.start + i),
    ),
  );
  const title = cps
    .filter((_, i) => !removed.has(i))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  return { title, ...out, spans };
}

function publicUser(u) {
  const { password, openai_api_key, perplexity_api_key, ...rest } = u;
  return {
    ...rest,
    has_openai_key: !!openai_api_key,
    has_perplexity_key: !!perplexity_api_key,
  };
}

function session(res, status, user) {
  const token = randomBytes(16).toString("hex");
  tokens.set(token, user.username);
  send(res, status, { token, expires_at: now(), user: publicUser(user) });
}

function newTask(owner, input) {
  const t = {
    id: nextId++,
    title: input.title,
    description: input.description ?? "",
    completed: false,
    completed_at: null,
    priority: input.priority ?? 0,
    due_date: input.due_date ?? null,
    due_at: input.due_at ?? null,
    remind_at: input.remind_at ?? null,
    recurrence: input.recurrence ?? null,
    tags: input.tags ?? [],
    position: nextId,
    created_at: now(),
    updated_at: now(),
    owner,
  };
  tasks.push(t);
  return t;
}
const publicTask = ({ owner, ...t }) => t;

async function api(req, res, url) {
  const path = url.pathname.replace(/\/+$/, "");
  const chunks = [];
  for await (const c of req) chunks.push(c);
  let body = {};
  if (chunks.length) {
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return fail(res, 400, "bad_json", "body is not JSON");
    }
  }
  const m = req.method;
  if (path === "/api/health") return send(res, 200, { status: "ok", db: "ok" });
  if (m === "POST" && path === "/api/auth/register") {
    const fields = {};
    if (!/^[\p{L}\p{N}._-]{3,64}$/u.test(body.username ?? ""))
      fields.username = "3..64 letters, digits, . _ -";
    if ((body.password ?? "").length < 8)
      fields.password = "at least 8 characters";
    if (Object.keys(fields).length)
      return fail(res, 422, "validation_failed", "invalid account", fields);
    if (users.has(body.username))
      return fail(res, 409, "conflict", "username is taken");
    const user = {
      id: users.size + 1,
      username: body.username,
      password: body.password,
      email: body.email ?? null,
      language: body.language ?? "en",
      timezone: body.timezone ?? "UTC",
      ai_provider: null,
      ai_model: null,
      telegram_linked: false,
      created_at: now(),
    };
    users.set(user.username, user);
    return session(res, 201, user);
  }
  if (m === "POST" && path === "/api/auth/login") {
    const user = users.get(body.username);
    if (!user || user.password !== body.password)
      return fail(res, 401, "unauthorized", "bad credentials");
    return session(res, 200, user);
  }
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const user = users.get(tokens.get(token));
  if (!user)
    return fail(
      res,
      401,
      "unauthorized",
      "missing or expired token",
      undefined,
    );
  if (m === "POST" && path === "/api/auth/logout") {
    tokens.delete(token);
    return send(res, 204);
  }
  if (path === "/api/users/me") {
    if (m === "PATCH") {
      if (body.timezone !== undefined) {
        try {
          new Intl.DateTimeFormat("en", { timeZone: body.timezone });
        } catch {
          return fail(res, 422, "validation_failed", "invalid", {
            timezone: "unknown time zone",
          });
        }
      }
      Object.assign(user, body);
    }
    return send(res, 200, publicUser(user));
  }
  if (path === "/api/users/me/telegram-link") {
    if (m === "DELETE") {
      user.telegram_linked = false;
      return send(res, 204);
    }
    const code = randomBytes(4).toString("hex").toUpperCase();
    return send(res, 201, {
      code,
      expires_at: new Date(Date.now() + 900e3).toISOString(),
      url: `https://t.me/tudushka_bot?start=${code}`,
    });
  }
  if (m === "POST" && path === "/api/tasks/parse")
    return send(res, 200, parse(body.text ?? "", body.tz ?? user.timezone));
  if (m === "POST" && path === "/api/tasks/quick") {
    const p = parse(body.text ?? "", user.timezone);
    if (!p.title)
      return fail(res, 422, "validation_failed", "title must not be empty", {
        title: "required",
      });
    return send(res, 201, publicTask(newTask(user.username, p)));
  }
  if (path === "/api/tasks") {
    if (m === "POST") {
      if (!body.title)
        return fail(res, 422, "validation_failed", "title must not be empty", {
          title: "required",
        });
      return send(res, 201, publicTask(newTask(user.username, body)));
    }
    const q = url.searchParams;
    let list = tasks.filter((t) => t.owner === user.username);
    if (q.has("completed"))
      list = list.filter((t) => String(t.completed) === q.get("completed"));
    if (q.get("q"))
      list = list.filter((t) =>
        `${t.title} ${t.description}`
          .toLowerCase()
          .includes(q.get("q").toLowerCase()),
      );
    if (q.get("tag")) list = list.filter((t) => t.tags.includes(q.get("tag")));
    return send(res, 200, {
      count: list.length,
      next: null,
      previous: null,
      results: list.map(publicTask),
    });
  }
  const idMatch = /^\/api\/tasks\/(\d+)$/.exec(path);
  const task =
    idMatch &&
    tasks.find((t) => t.id === Number(idMatch[1]) && t.owner === user.username);
  if (!task) return fail(res, 404, "not_found", "no such task");
  if (m === "DELETE") {
    tasks.splice(tasks.indexOf(task), 1);
    return send(res, 204);
  }
  if (m === "PATCH") {
    if (body.title === "")
      return fail(res, 422, "validation_failed", "title must not be empty", {
        title: "required",
      });
    Object.assign(task, body, { updated_at: now() });
    if ("completed" in body) task.completed_at = body.completed ? now() : null;
  }
  return send(res, 200, publicTask(task));
}

createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname.startsWith("/api/")) {
    if (existsSync(downFile)) {
      res.writeHead(502, { "Content-Type": "text/html" });
      return res.end(
        "<html><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
      );
    }
    return api(req, res, url).catch((e) =>
      fail(res, 500, "internal", String(e)),
    );
  }
  let file = normalize(join(dist, url.pathname));
  if (!file.startsWith(dist) || !existsSync(file) || url.pathname === "/")
    file = join(dist, "index.html");
  const headers = {
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Content-Security-Policy": CSP,
  };
  headers["Cache-Control"] = file.includes("/assets/")
    ? "public, max-age=31536000, immutable"
    : "no-cache";
  if (
    /gzip/.test(req.headers["accept-encoding"] ?? "") &&
    existsSync(`${file}.gz`)
  ) {
    headers["Content-Encoding"] = "gzip";
    file = `${file}.gz`;
  }
  const data = readFileSync(file);
  res.writeHead(200, { ...headers, "Content-Length": data.length });
  res.end(data);
}).listen(port, "127.0.0.1", () =>
  console.log(`fake stack on http://127.0.0.1:${port}`),
);
