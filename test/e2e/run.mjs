// Browser end-to-end tests for the Tudushka web app, against a running stack
// (nginx + API + PostgreSQL), driven by playwright-core and Debian's Chromium.
//
//   cd frontend && TUDUSHKA_BASE_URL=http://127.0.0.1:18080 node ../test/e2e/run.mjs
//
// Any working directory works: modules are resolved from frontend/node_modules through
// createRequire. Environment:
//   TUDUSHKA_BASE_URL        the stack's nginx (required), e.g. http://127.0.0.1:18080
//   TUDUSHKA_E2E_STOP_CMD    shell command that stops the API pool  } both needed for the
//   TUDUSHKA_E2E_START_CMD   shell command that starts it again     } "server stopped" test
//   TUDUSHKA_CHROMIUM        browser binary (default /usr/lib/chromium/chromium)
// Prints each test with ok/FAIL, saves screenshots (desktop and 360 px) to
// <repo>/build/screenshots/, ends with "TALLY <n> passed, <m> failed", exits 1 on failure.
import { execSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(`${repo}frontend/package.json`);
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const BASE = (process.env.TUDUSHKA_BASE_URL ?? "").replace(/\/+$/, "");
const STOP_CMD = process.env.TUDUSHKA_E2E_STOP_CMD;
const START_CMD = process.env.TUDUSHKA_E2E_START_CMD;
const SHOTS = `${repo}build/screenshots/`;
const CHROMIUM = [
  process.env.TUDUSHKA_CHROMIUM,
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
].find((path) => path && existsSync(path));
// The browser's time zone: the tests read "today" and "tomorrow" in it.
const ZONE = "Europe/Moscow";
const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 360, height: 740 };

if (!BASE) {
  console.error(
    "run.mjs: set TUDUSHKA_BASE_URL to the stack (e.g. http://127.0.0.1:18080)",
  );
  console.log("TALLY 0 passed, 1 failed");
  process.exit(1);
}
mkdirSync(SHOTS, { recursive: true });
for (const old of readdirSync(SHOTS))
  if (old.startsWith("failure-")) rmSync(`${SHOTS}${old}`);

// ---------------------------------------------------------------- tiny runner
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const skip = (name, why) => tests.push({ name, skip: why });
class AssertionError extends Error {}
const expect = (cond, message) => {
  if (!cond) throw new AssertionError(message);
};

// ---------------------------------------------------------------- shared state
const stamp = Date.now().toString(36);
const account = { username: `e2e_${stamp}`, password: "correct-horse-42" };
const cspViolations = [];
let browser;
let desktop; // { context, page } signed in as `account`

async function newPage(viewport, options = {}) {
  const context = await browser.newContext({
    viewport,
    locale: "en-US",
    timezoneId: ZONE,
    colorScheme: options.colorScheme ?? "light",
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000); // generous: CI machines are small and busy
  page.on("console", (msg) => {
    if (
      msg.text().includes("CSP violation") ||
      msg.text().includes("Content Security Policy")
    ) {
      cspViolations.push(msg.text());
    }
  });
  return { context, page };
}

async function shot(page, name) {
  const suffix = page.viewportSize().width < 600 ? "mobile" : "desktop";
  await page.waitForTimeout(150); // let transitions and fonts settle
  await page.screenshot({
    path: `${SHOTS}${name}-${suffix}.png`,
    fullPage: true,
  });
}

async function apiAs(page, method, path, body) {
  const token = await page.evaluate(() =>
    localStorage.getItem("tudushka.token"),
  );
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

async function findTask(page, title) {
  const { json } = await apiAs(
    page,
    "GET",
    `/api/tasks/?limit=500&q=${encodeURIComponent(title)}`,
  );
  return json.results.find((t) => t.title === title);
}

const taskRow = (page, title) =>
  page.locator("li.task", {
    has: page.getByRole("button", { name: title, exact: true }),
  });

async function view(page, name) {
  await page
    .getByRole("navigation", { name: /Views|Разделы/ })
    .getByRole("button", { name })
    .click();
}

async function signIn(page) {
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("New task").waitFor();
}

async function quickAdd(page, text, expectedChips) {
  const input = page.getByLabel(/^(New task|Новая задача)$/);
  await input.fill(text);
  const chips = page.getByRole("list", { name: /Recognised|Распознано/ });
  await chips.waitFor();
  for (const kind of expectedChips) {
    await chips.locator(`[data-kind="${kind}"]`).first().waitFor();
  }
  await input.press("Enter");
  await page.waitForFunction(
    (el) => el.value === "",
    await input.elementHandle(),
  );
}

async function axeCheck(page, label) {
  // evaluate() runs outside the page's CSP (a <script> tag would be a violation).
  if (!(await page.evaluate(() => "axe" in window)))
    await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
  const serious = result.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(
    serious.length === 0,
    `${label}: ${serious.map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).join(", ")}`).join("; ")}`,
  );
}

// ---------------------------------------------------------------- tests
test("first visit lands on sign in; sign up creates an account", async () => {
  desktop = await newPage(DESKTOP);
  const { page } = desktop;
  await page.goto(BASE);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  expect(
    new URL(page.url()).pathname === "/signin",
    `expected /signin, got ${page.url()}`,
  );
  await shot(page, "signin");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create an account" }).click();
  // The server's field message appears next to the password field.
  await page.locator(".field-error").first().waitFor();
  await shot(page, "signup-error");
  await page.getByLabel("Password").fill(account.password);
  await shot(page, "signup");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("New task").waitFor();
  const me = await apiAs(page, "GET", "/api/users/me");
  expect(
    me.json.username === account.username,
    `signed up as ${me.json.username}`,
  );
  expect(
    me.json.timezone === "Europe/Moscow",
    `time zone from the browser: ${me.json.timezone}`,
  );
});

test("quick add in English: chips preview, task saved with due, priority, tag", async () => {
  const { page } = desktop;
  await quickAdd(page, "Call mom tomorrow at 9am !high #family", [
    "due",
    "priority",
    "tag",
  ]);
  const task = await findTask(page, "Call mom");
  expect(task, 'task "Call mom" was created');
  expect(task.due_at || task.due_date, `due set: ${JSON.stringify(task)}`);
  expect(task.priority >= 2, `priority high: ${task.priority}`);
  expect(task.tags.includes("family"), `tags: ${task.tags}`);
  await view(page, "Upcoming");
  await taskRow(page, "Call mom").waitFor();
  expect(
    (await taskRow(page, "Call mom").textContent()).includes("Tomorrow"),
    "shown as due tomorrow",
  );
});

test('quick add in Russian: "Купить молоко завтра в 18:00 #дом"', async () => {
  const { page } = desktop;
  const input = page.getByLabel("New task");
  await input.fill("Купить молоко завтра в 18:00 #дом");
  await page
    .getByRole("list", { name: "Recognised" })
    .locator('[data-kind="due"]')
    .waitFor();
  await shot(page, "quick-add-preview");
  await input.press("Enter");
  await page.waitForFunction(
    (el) => el.value === "",
    await input.elementHandle(),
  );
  const task = await findTask(page, "Купить молоко");
  expect(task, 'task "Купить молоко" was created');
  expect(task.tags.includes("дом"), `tags: ${task.tags}`);
  expect(task.due_at, `due_at set: ${task.due_at}`);
  // 18:00 in Moscow is 15:00 UTC.
  expect(
    task.due_at.slice(11, 16) === "15:00",
    `18:00 Moscow -> ${task.due_at}`,
  );
  await taskRow(page, "Купить молоко").waitFor();
  expect(
    (await taskRow(page, "Купить молоко").textContent()).includes("18:00"),
    "shows 18:00 local time",
  );
  await quickAdd(page, "Pay rent today !urgent #home", [
    "due",
    "priority",
    "tag",
  ]);
});

test("dismissing a chip keeps those words in the title", async () => {
  const { page } = desktop;
  const input = page.getByLabel("New task");
  await input.fill("Read a book tomorrow #books");
  const chips = page.getByRole("list", { name: "Recognised" });
  await chips.locator('[data-kind="due"]').waitFor();
  await chips.locator('[data-kind="due"] button').click();
  expect(
    (await chips.locator('[data-kind="due"]').count()) === 0,
    "due chip gone",
  );
  await input.press("Enter");
  await page.waitForFunction(
    (el) => el.value === "",
    await input.elementHandle(),
  );
  const task = await findTask(page, "Read a book tomorrow");
  expect(task, 'title keeps "tomorrow"');
  expect(!task.due_date && !task.due_at, `no due: ${JSON.stringify(task)}`);
  expect(task.tags.includes("books"), `tag kept: ${task.tags}`);
});

test("Today view; complete with one click, then undo", async () => {
  const { page } = desktop;
  await view(page, "Today");
  const row = taskRow(page, "Pay rent");
  await row.waitFor();
  await shot(page, "tasks-today");
  await row.getByRole("checkbox").click();
  await row.waitFor({ state: "detached" });
  const toast = page.locator(".toast", { hasText: "Completed" });
  await toast.waitFor();
  expect(
    (await findTask(page, "Pay rent")).completed === true,
    "completed on the server",
  );
  await toast.getByRole("button", { name: "Undo" }).click();
  await taskRow(page, "Pay rent").waitFor();
  await page.waitForTimeout(300);
  expect(
    (await findTask(page, "Pay rent")).completed === false,
    "undone on the server",
  );
});

test("edit a task: due date, then a due time, notes and priority", async () => {
  const { page } = desktop;
  await taskRow(page, "Pay rent")
    .getByRole("button", { name: "Edit “Pay rent”" })
    .click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await shot(page, "editor");
  await dialog.getByLabel("On a day").check();
  const due = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
  await dialog.getByLabel("Due date", { exact: true }).fill(due);
  await dialog.getByLabel("Notes").fill("Bank transfer, reference 42");
  await dialog.getByLabel("Priority").selectOption("1");
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "detached" });
  let task = await findTask(page, "Pay rent");
  expect(task.due_date === due, `due_date ${task.due_date} == ${due}`);
  expect(
    task.description === "Bank transfer, reference 42",
    `notes: ${task.description}`,
  );
  expect(task.priority === 1, `priority ${task.priority}`);
  await view(page, "Upcoming");
  await taskRow(page, "Pay rent").waitFor();
  await shot(page, "tasks-upcoming");
  await taskRow(page, "Pay rent")
    .getByRole("button", { name: "Edit “Pay rent”" })
    .click();
  await dialog.getByLabel("At a time").check();
  await dialog.getByLabel("Due date and time").fill(`${due}T10:30`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "detached" });
  task = await findTask(page, "Pay rent");
  expect(
    task.due_at && task.due_at.startsWith(`${due}T07:30`),
    `10:30 Moscow -> ${task.due_at}`,
  );
  expect(task.due_date === null, `due_date cleared: ${task.due_date}`);
});

test("filter by tag and search", async () => {
  const { page } = desktop;
  await view(page, "All");
  await page.getByLabel("Search").fill("молоко");
  await page.waitForFunction(
    () => document.querySelectorAll("li.task").length === 1,
  );
  await taskRow(page, "Купить молоко").waitFor();
  await page.getByLabel("Search").fill("no-such-task-xyz");
  await page.getByText("No tasks match “no-such-task-xyz”.").waitFor();
  await page.getByLabel("Search").fill("");
  await page.getByLabel("Tag", { exact: true }).selectOption("family");
  await page.waitForFunction(
    () => document.querySelectorAll("li.task").length === 1,
  );
  await taskRow(page, "Call mom").waitFor();
  await shot(page, "tasks-filtered");
  await page.getByLabel("Tag", { exact: true }).selectOption("");
  // A tag on a task filters too.
  await taskRow(page, "Купить молоко")
    .getByRole("button", { name: "Show tasks tagged #дом" })
    .click();
  await page.waitForFunction(
    () => document.querySelectorAll("li.task").length === 1,
  );
  await page.getByLabel("Tag", { exact: true }).selectOption("");
  await page.waitForFunction(
    () => document.querySelectorAll("li.task").length >= 4,
  );
});

test("keyboard: n adds, / searches, j + x completes", async () => {
  const { page } = desktop;
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("n");
  expect(
    await page
      .getByLabel("New task")
      .evaluate((el) => el === document.activeElement),
    "n focuses quick add",
  );
  await page.keyboard.type("Keyboard task");
  await page.keyboard.press("Enter");
  await taskRow(page, "Keyboard task").waitFor();
  await page.keyboard.press("Escape");
  await page.getByLabel("New task").blur();
  await page.keyboard.press("/");
  expect(
    await page
      .getByLabel("Search")
      .evaluate((el) => el === document.activeElement),
    "/ focuses search",
  );
  await page.getByLabel("Search").fill("Keyboard task");
  await page.waitForFunction(
    () => document.querySelectorAll("li.task").length === 1,
  );
  await page.getByLabel("Search").blur();
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await page
    .locator(".toast", { hasText: "Completed “Keyboard task”" })
    .waitFor();
  await page.getByLabel("Search").fill("");
  await view(page, "Completed");
  await taskRow(page, "Keyboard task").waitFor();
  await shot(page, "tasks-completed");
  await view(page, "All");
});

test("delete with undo, then delete for good", async () => {
  const { page } = desktop;
  const row = taskRow(page, "Read a book tomorrow");
  await row
    .getByRole("button", { name: "Delete “Read a book tomorrow”" })
    .click();
  await row.waitFor({ state: "detached" });
  await page
    .locator(".toast", { hasText: "Deleted" })
    .getByRole("button", { name: "Undo" })
    .click();
  await taskRow(page, "Read a book tomorrow").waitFor();
  await taskRow(page, "Read a book tomorrow")
    .getByRole("button", { name: /^Delete/ })
    .click();
  await page.waitForTimeout(6_800); // the undo window
  expect(
    !(await findTask(page, "Read a book tomorrow")),
    "deleted on the server",
  );
});

test("switch language to Russian and back (kept on the server)", async () => {
  const { page } = desktop;
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await page.getByRole("button", { name: "Русский" }).first().click();
  await page.getByRole("heading", { name: "Настройки" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Настройки" }).waitFor();
  expect(
    (await apiAs(page, "GET", "/api/users/me")).json.language === "ru",
    "language saved",
  );
  await shot(page, "settings-ru");
  await page.getByRole("link", { name: "Задачи" }).click();
  await view(page, "Предстоящие");
  await taskRow(page, "Call mom").waitFor();
  expect(
    (await taskRow(page, "Call mom").textContent()).includes("Завтра"),
    "dates in Russian",
  );
  await shot(page, "tasks-ru");
  await page.getByRole("link", { name: "Настройки" }).click();
  await page.getByRole("button", { name: "English" }).first().click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
});

test('settings: API keys are write-only and show "key set"', async () => {
  const { page } = desktop;
  const secret = `sk-e2e-${stamp}-DO-NOT-SHOW`;
  const field = page.getByLabel(/^OpenAI API key/);
  await field.fill(secret);
  await page.getByRole("button", { name: "Save key" }).first().click();
  await page
    .locator(".api-key", { has: field })
    .getByText("key set", { exact: true })
    .waitFor();
  expect(
    (await field.inputValue()) === "",
    "the input is cleared after saving",
  );
  await page.getByLabel("AI provider").selectOption("openai");
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  const html = await page.content();
  expect(!html.includes(secret), "the key never appears in the page");
  const me = await apiAs(page, "GET", "/api/users/me");
  expect(
    me.json.has_openai_key === true && !me.text.includes(secret),
    "API reports has_openai_key only",
  );
  expect(me.json.ai_provider === "openai", `provider ${me.json.ai_provider}`);
  const badges = await page.getByTestId("key-status").allTextContents();
  expect(badges[0] === "key set" && badges[1] === "no key", `badges ${badges}`);
  await shot(page, "settings");
});

test("settings: Telegram link code, t.me link and QR code", async () => {
  const { page } = desktop;
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.url().includes("/api/users/me/telegram-link") &&
        r.request().method() === "POST",
    ),
    page.getByRole("button", { name: "Get a link code" }).click(),
  ]);
  const link = await response.json();
  const code = (await page.locator("code.link-code").textContent()).trim();
  expect(
    code.length >= 4 && code === link.code,
    `code shown "${code}", API gave "${link.code}"`,
  );
  if (link.url) {
    const href = await page
      .getByRole("link", { name: "Open in Telegram" })
      .getAttribute("href");
    expect(
      /^https:\/\/t\.me\/[^?]+\?start=/.test(href) && href.endsWith(code),
      `link ${href}`,
    );
    await page
      .getByRole("img", { name: "QR code for the Telegram link" })
      .scrollIntoViewIfNeeded();
  } else {
    // The server has no bot username configured: the code and /start instructions only.
    console.log(
      "     (the API returned no t.me url: TELEGRAM_BOT_USERNAME is not set; checked the code only)",
    );
    await page
      .getByText(`Send /start ${code} to the Tudushka bot in Telegram.`)
      .waitFor();
  }
  await shot(page, "settings-telegram");
});

test("accessibility: axe finds no serious violations", async () => {
  const { page } = desktop;
  await axeCheck(page, "settings");
  await page.getByRole("link", { name: "Tasks" }).click();
  await view(page, "All");
  await taskRow(page, "Call mom").waitFor();
  await axeCheck(page, "task list");
  await taskRow(page, "Call mom")
    .getByRole("button", { name: "Edit “Call mom”" })
    .click();
  await axeCheck(page, "editor");
  await page.keyboard.press("Escape");
  const { context, page: anon } = await newPage(DESKTOP);
  await anon.goto(`${BASE}/signup`);
  await anon.getByRole("heading", { name: "Create an account" }).waitFor();
  await axeCheck(anon, "sign up");
  await context.close();
});

test("a Russian-speaking visitor gets the Russian UI", async () => {
  const context = await browser.newContext({
    viewport: DESKTOP,
    locale: "ru-RU",
    timezoneId: ZONE,
  });
  const page = await context.newPage();
  await page.goto(`${BASE}/signin`);
  await page
    .getByRole("heading", { name: "Войти" })
    .waitFor({ timeout: 15_000 });
  expect((await page.getAttribute("html", "lang")) === "ru", "html lang is ru");
  await page.getByRole("link", { name: "Создать аккаунт" }).click();
  await page.getByLabel("Имя пользователя").waitFor({ timeout: 15_000 });
  await shot(page, "signup-ru");
  await context.close();
});

test("dark mode follows the system", async () => {
  const { context, page } = await newPage(DESKTOP, { colorScheme: "dark" });
  await signIn(page);
  const background = await page.evaluate(
    () => getComputedStyle(document.documentElement).backgroundColor,
  );
  expect(
    background !== "rgb(246, 247, 249)",
    `dark background, got ${background}`,
  );
  await view(page, "All");
  await taskRow(page, "Call mom").waitFor();
  await shot(page, "tasks-dark");
  await axeCheck(page, "task list, dark");
  await context.close();
});

test("phone (360 px): every main screen fits and works", async () => {
  const { context, page } = await newPage(MOBILE);
  const fits = async (label) => {
    const width = await page.evaluate(
      () => document.documentElement.scrollWidth,
    );
    expect(width <= MOBILE.width, `${label}: page is ${width}px wide at 360px`);
  };
  await page.goto(`${BASE}/signin`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await fits("sign in");
  await shot(page, "signin");
  await page.getByRole("link", { name: "Create an account" }).click();
  await fits("sign up");
  await shot(page, "signup");
  await signIn(page);
  await quickAdd(page, "Water plants today #home", ["due", "tag"]);
  await view(page, "Today");
  await taskRow(page, "Water plants").waitFor();
  await fits("today");
  await shot(page, "tasks-today");
  await view(page, "Upcoming");
  await taskRow(page, "Call mom").waitFor();
  await fits("upcoming");
  await shot(page, "tasks-upcoming");
  await taskRow(page, "Call mom").getByRole("checkbox").click();
  await page
    .locator(".toast", { hasText: "Completed" })
    .getByRole("button", { name: "Undo" })
    .click();
  await taskRow(page, "Call mom").waitFor();
  await taskRow(page, "Call mom")
    .getByRole("button", { name: "Edit “Call mom”" })
    .click();
  await page.getByRole("dialog").waitFor();
  await fits("editor");
  await shot(page, "editor");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Get a link code" }).click();
  await page.locator("code.link-code").waitFor();
  await fits("settings");
  await shot(page, "settings");
  // Russian words are longer: the same screens must still fit.
  await page.getByRole("button", { name: "Русский" }).click();
  await page.getByRole("heading", { name: "Настройки" }).waitFor();
  await fits("settings in Russian");
  await page.getByRole("link", { name: "Задачи" }).click();
  await page.getByLabel("Новая задача").waitFor();
  await fits("tasks in Russian");
  await shot(page, "tasks-ru");
  await page.getByRole("link", { name: "Настройки" }).click();
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await context.close();
});

if (STOP_CMD && START_CMD) {
  test("server stopped: a clear message, then recovery once it is back", async () => {
    const { page } = desktop;
    await page.getByRole("link", { name: "Tasks" }).click();
    await view(page, "All");
    await taskRow(page, "Call mom").waitFor();
    execSync(STOP_CMD, { stdio: "inherit", shell: "/bin/bash" });
    let restarted = false;
    try {
      await view(page, "Completed");
      const alert = page
        .getByRole("alert")
        .filter({ hasText: "Couldn’t load your tasks" });
      await alert.waitFor({ timeout: 15_000 });
      // The banner holds the alert (fixed text), the countdown outside the live
      // region (else it is announced every second) and the Retry button.
      const banner = page.locator(".banner").filter({ has: alert });
      const text = await banner.textContent();
      expect(!/load failed/i.test(text), `no bare "Load failed": ${text}`);
      expect(
        /Can’t reach the server|not responding/.test(text),
        `says the server is unreachable: ${text}`,
      );
      expect(
        /Retrying in \d s|Retrying…/.test(text),
        `says it retries: ${text}`,
      );
      const alertText = await alert.textContent();
      expect(
        !/Retrying/.test(alertText),
        `the countdown is not in the live region: ${alertText}`,
      );
      await banner.getByRole("button", { name: "Retry" }).waitFor();
      await shot(page, "server-down");
      // Quick add says what failed too, and keeps the text.
      await page.getByLabel("New task").fill("Added while down");
      await page.getByLabel("New task").press("Enter");
      await page.locator("#quick-add-error").waitFor();
      execSync(START_CMD, { stdio: "inherit", shell: "/bin/bash" });
      restarted = true;
      await alert.waitFor({ state: "detached", timeout: 40_000 });
      await taskRow(page, "Keyboard task").waitFor();
      await page.getByLabel("New task").press("Enter");
      await page.waitForFunction(
        () => document.querySelector("#quick-add-input").value === "",
        null,
        {
          timeout: 15_000,
        },
      );
      await view(page, "All");
      await taskRow(page, "Added while down").waitFor();
    } finally {
      if (!restarted)
        execSync(START_CMD, { stdio: "inherit", shell: "/bin/bash" });
    }
  });
} else {
  skip(
    "server stopped: a clear message, then recovery once it is back",
    "TUDUSHKA_E2E_STOP_CMD and TUDUSHKA_E2E_START_CMD are not set",
  );
}

test("expired session goes back to sign in with a message", async () => {
  const { page } = desktop;
  await page.getByRole("link", { name: "Tasks" }).click();
  await page.getByLabel("New task").waitFor();
  const revoked = await apiAs(page, "POST", "/api/auth/logout");
  expect(revoked.status === 204, `logout answered ${revoked.status}`);
  await view(page, "Completed"); // any request now answers 401
  await page
    .getByText("Your session has expired. Please sign in again.")
    .waitFor();
  expect(new URL(page.url()).pathname === "/signin", `on ${page.url()}`);
  expect(
    (await page.evaluate(() => localStorage.getItem("tudushka.token"))) ===
      null,
    "token cleared",
  );
  await shot(page, "session-expired");
  await signIn(page);
});

test("static files: cache headers, gzip, SPA fallback, JS under 150 KB gzipped", async () => {
  const index = await fetch(`${BASE}/`);
  const html = await index.text();
  expect(
    /no-cache/.test(index.headers.get("cache-control") ?? ""),
    `index.html Cache-Control: ${index.headers.get("cache-control")}`,
  );
  const deep = await fetch(`${BASE}/settings`);
  expect(
    deep.status === 200 && (await deep.text()).includes('id="root"'),
    `SPA fallback for /settings: ${deep.status}`,
  );
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
    (m) => m[1],
  );
  expect(assets.length >= 2, `assets in index.html: ${assets}`);
  let jsBytes = 0;
  for (const asset of assets) {
    // Node's fetch would decompress transparently and drop the header; ask with curl-like raw headers.
    const response = await fetch(`${BASE}${asset}`, {
      headers: { "Accept-Encoding": "gzip" },
    });
    const cache = response.headers.get("cache-control") ?? "";
    expect(
      /immutable/.test(cache) && /max-age=\d{6,}/.test(cache),
      `${asset} Cache-Control: ${cache}`,
    );
    expect(
      response.headers.get("content-encoding") === "gzip",
      `${asset} is not served gzipped`,
    );
    if (asset.endsWith(".js"))
      jsBytes +=
        Number(response.headers.get("content-length") ?? 0) ||
        (await gzLength(asset));
  }
  expect(
    jsBytes > 0 && jsBytes < 150 * 1024,
    `initial JS ${jsBytes} bytes gzipped`,
  );
  console.log(
    `     initial JavaScript: ${(jsBytes / 1024).toFixed(1)} KB gzipped`,
  );
});

async function gzLength(asset) {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(
      `${BASE}${asset}`,
      { headers: { "Accept-Encoding": "gzip" } },
      (res) => {
        let length = 0;
        res.on("data", (chunk) => (length += chunk.length));
        res.on("end", () => resolve(length));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("no Content-Security-Policy violations on any screen", async () => {
  const response = await fetch(`${BASE}/`);
  const csp = response.headers.get("content-security-policy");
  expect(
    csp && csp.includes("script-src 'self'"),
    `index.html CSP header: ${csp}`,
  );
  expect(cspViolations.length === 0, cspViolations.slice(0, 5).join("\n"));
});

// Milliseconds from now to the next midnight in `zone`.
function msToMidnight(zone) {
  const now = new Date();
  const part = (type) =>
    Number(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        hourCycle: "h23",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      })
        .formatToParts(now)
        .find((p) => p.type === type).value,
    );
  const secondsIntoDay = part("hour") * 3600 + part("minute") * 60 + part("second");
  return (86400 - secondsIntoDay) * 1000 - now.getMilliseconds();
}

// ---------------------------------------------------------------- main
let passed = 0;
let failed = 0;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
} catch (error) {
  console.error(`cannot start Chromium (${CHROMIUM}): ${error.message}`);
  console.log(`TALLY 0 passed, ${tests.length} failed`);
  process.exit(1);
}

// A run that crossed midnight in ZONE would see "tomorrow's" tasks move into Today mid-run
// (the suite takes about a minute): close to midnight, start just after it instead.
const SUITE_MARGIN_MS = 5 * 60 * 1000;
const wait = msToMidnight(ZONE);
if (wait < SUITE_MARGIN_MS) {
  console.log(
    `e2e: waiting ${Math.ceil(wait / 1000) + 2} s for midnight in ${ZONE} to pass`,
  );
  await new Promise((resolve) => setTimeout(resolve, wait + 2000));
}

console.log(`e2e against ${BASE} as ${account.username}`);
for (const [index, t] of tests.entries()) {
  if (t.skip) {
    console.log(`skip ${t.name} — ${t.skip}`);
    continue;
  }
  const started = Date.now();
  try {
    await t.fn();
    passed++;
    console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(
      `FAIL ${t.name} (${Date.now() - started} ms)\n     ${String(error.message).split("\n").join("\n     ")}`,
    );
    const page = desktop?.page;
    if (page && !page.isClosed()) {
      await page
        .screenshot({ path: `${SHOTS}failure-${index + 1}.png` })
        .catch(() => {});
    }
  }
}
await browser.close();
console.log(`screenshots in ${SHOTS}`);
console.log(`TALLY ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
