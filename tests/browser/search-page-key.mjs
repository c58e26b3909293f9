// The search page of a server started with a read key: it asks for the key,
// searches once given it, says so when the key is wrong, and takes the key
// from the address's fragment (then drops it from the address).
// Usage: node tests/browser/search-page-key.mjs BASE_URL READ_KEY
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const [base, key] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const errors = [];
  const summary = (page) => page.locator("#summary").textContent();

  // Without a key: the form, no results.
  const page = await browser.newPage();
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(base + "/");
  await page.locator("#keyform").waitFor({ state: "visible" });
  assert.match(await summary(page), /read key/);
  assert.equal(await page.locator("#results li").count(), 0);

  // A wrong key is named as wrong; the right one searches.
  await page.locator("#key").fill("not-the-key");
  await page.locator("#keyform button").click();
  await page.waitForFunction(() => document.querySelector("#summary").textContent.includes("not this server's"));
  await page.locator("#key").fill(key);
  await page.locator("#keyform button").click();
  await page.waitForFunction(() => document.querySelectorAll("#results li").length === 10);
  assert.ok(await page.locator("#keyform").isHidden());
  // The article view and facet value search send it too.
  await page.locator("#results h3 a").first().click();
  await page.locator("#article.open h2").waitFor();

  // In a fresh tab, the key in the fragment is used and leaves the address.
  const context = await browser.newContext();
  const second = await context.newPage();
  second.on("pageerror", (error) => errors.push(error.message));
  await second.goto(`${base}/?q=ceasefire#key=${encodeURIComponent(key)}`);
  await second.waitForFunction(() => document.querySelector("#summary").textContent.startsWith("2 articles"));
  assert.equal(new URL(second.url()).hash, "");
  assert.ok(await second.locator("#keyform").isHidden());
  assert.deepEqual(errors, []);
} finally {
  await browser.close();
}
