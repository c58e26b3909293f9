// Drives the search page in headless Chromium: type a query and see the
// results update, tick a facet and see results and counts change, pick a
// month on the timeline, reload the URL and get the same state, and save a
// screenshot. Usage: node tests/browser/search-page.mjs BASE_URL SCREENSHOT
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const [base, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(base + "/");
  const titles = () => page.locator("#results h3").allTextContents();
  const summary = () => page.locator("#summary").textContent();

  // Everything at first, then results follow the typing.
  await page.waitForFunction(() => document.querySelectorAll("#results li").length === 10);
  await page.locator("#q").pressSequentially("ceasef", { delay: 30 });
  // "ceas" already finds the two articles: wait for the last keystroke's
  // answer, which also puts the query in the URL.
  await page.waitForFunction(
    () =>
      location.search.includes("q=ceasef") &&
      document.querySelector("#summary").textContent.startsWith("2 articles"),
  );
  assert.ok((await titles()).some((title) => title.includes("Ceasefire talks resume in Geneva")));
  // The completed word is marked in every hit, whatever its case.
  const marks = await page.locator("#results mark").allTextContents();
  assert.ok(marks.length >= 2 && marks.every((mark) => mark.toLowerCase().startsWith("ceasef")), marks.join(", "));
  assert.match(page.url(), /q=ceasef/);

  // Ticking a facet narrows the results and the other facets' counts.
  await page.locator("#q").fill("");
  await page.waitForFunction(() => document.querySelectorAll("#results li").length === 10);
  const energy = page.locator("#facets label", { hasText: "Energy" }).locator("input");
  await energy.check();
  await page.waitForFunction(() => document.querySelector("#summary").textContent.startsWith("2 articles"));
  assert.match(page.url(), /tag=Energy/);
  const sections = await page.locator("section[aria-labelledby=facet-section] label").allTextContents();
  // Each label reads value then count.
  assert.deepEqual(sections.map((text) => text.replace(/\s+/g, "")).sort(), ["Business1", "Live1"]);
  await energy.uncheck();
  await page.waitForFunction(() => document.querySelectorAll("#results li").length === 10);

  // A month on the timeline filters by date.
  const bars = page.locator("#timeline rect[height]:not([height='0'])");
  assert.ok((await bars.count()) > 3);
  const january = page.locator("#timeline rect[data-start^='2025-01']");
  await january.click();
  await page.waitForFunction(() => document.querySelector("#summary").textContent.startsWith("3 articles"));
  assert.match(page.url(), /from=2025-01-01&to=2025-01-31/);

  // The URL holds the whole state.
  await page.locator("#q").fill("talks");
  await page.waitForFunction(() => /q=talks/.test(location.search) && document.querySelector("#summary").textContent.startsWith("1 article"));
  const before = { titles: await titles(), summary: (await summary()).replace(/\(\d+ ms\)/, "") };
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("#results li").length > 0);
  assert.equal(await page.locator("#q").inputValue(), "talks");
  assert.deepEqual({ titles: await titles(), summary: (await summary()).replace(/\(\d+ ms\)/, "") }, before);

  // The back button returns to the earlier state.
  await page.goBack();
  await page.waitForFunction(() => !/q=talks/.test(location.search));

  // The article view opens and closes with the keyboard.
  await page.locator("#results h3 a").first().click();
  await page.waitForSelector("#article.open");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#article:not(.open)", { state: "hidden" });

  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(errors, [], "no script errors");
  console.log("search page: 1 passed, 0 failed");
} finally {
  await browser.close();
}
