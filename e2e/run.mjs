// Browser end-to-end checks of Tickler's web app: playwright-core drives the
// system's Chromium (Debian's `chromium`, never a downloaded build).
//
//   node e2e/run.mjs flow URL             a fresh installation: first user, contact,
//                                         follow-up with its date preview, Today, done
//                                         with a note, timeline, sign out; a phone-sized
//                                         screen; a script payload in a name
//   node e2e/run.mjs demo URL [PNG]       a `serve --demo` installation: sign in as the
//                                         demo user, check Today, save a screenshot; then
//                                         every page (each contact, each plan, each form)
//                                         on a 360 px wide phone: none scrolls sideways
//   node e2e/run.mjs focus URL EMAIL PASSWORD
//                                         Focus, the daily block, with the keyboard only:
//                                         five follow-ups due today (set up by the caller)
//                                         worked with d, n, s, x, j/k, e and ?, to the summary
//   node e2e/run.mjs unsubscribe URL EMAIL PASSWORD LIST_PATH LEAVE_LINK NEVER_LINK
//                                         the unsubscribe links of two received newsletters:
//                                         "just this list" on one, "don't contact me at all"
//                                         on the other, a tampered link refused; then the
//                                         list's page as its user sees it
//
// The server must run with `--now 2026-11-24T10:00:00-05:00` (a Tuesday), so
// "next tuesday 3pm" is Tue 1 Dec 2026, 15:00. Exits non-zero on the first
// failed check. CHROMIUM overrides the browser's path.
import { chromium } from "playwright-core";

const [mode, base, ...rest] = process.argv.slice(2);
const screenshot = mode === "demo" ? rest[0] : undefined;
if (!["flow", "demo", "focus", "unsubscribe"].includes(mode) || !base) {
  console.error("usage: node e2e/run.mjs flow|demo URL [SCREENSHOT.png] | focus URL EMAIL PASSWORD | unsubscribe URL EMAIL PASSWORD LIST_PATH LEAVE_LINK NEVER_LINK");
  process.exit(2);
}
const url = (path) => new URL(path, base).toString();
const STEP_TIMEOUT = 15_000;

let passed = 0;
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  passed += 1;
}

/** Click a button that submits a form, and wait for the page it leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForEvent("load"), button.click()]);
}

/** The path of the page's current URL. */
const pathOf = (page) => new URL(page.url()).pathname;

/** Fail when the page scrolls sideways. */
async function checkNoHorizontalScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
  check(scroll <= width, `${what} fits a ${width}px wide screen (content is ${scroll}px wide)`);
}

async function signUp(page) {
  await page.goto(url("/"));
  check(pathOf(page) === "/setup", `a fresh installation opens the first-user form (at ${page.url()})`);
  // The zone field is filled from the browser's zone by the page's script.
  await page.waitForFunction(() => document.querySelector("#f-setup-zone")?.value !== "");
  check((await page.inputValue("#f-setup-zone")) === "America/New_York", "the zone comes from the browser");
  await page.fill("#f-setup-name", "Tess Tester");
  await page.fill("#f-setup-email", "tess@example.com");
  await page.fill("#f-setup-password", "correct horse battery");
  await page.getByRole("button", { name: "Create user and start", exact: true }).click();
  await page.waitForURL(url("/today"));
  check((await page.locator("h1").innerText()).startsWith("Today"), "the new user lands on Today");
  check(await page.getByText("Nothing due in the next").isVisible(), "an empty Today says so");
}

async function addContact(page, name, email) {
  await page.goto(url("/contacts/new"));
  await page.fill("#f-contact-name", name);
  if (email) await page.fill("#f-contact-emails", email);
  await submit(page, page.getByRole("button", { name: "Save", exact: true }));
  check(/^\/contacts\/\d+$/.test(pathOf(page)), `saving a contact opens its page (at ${page.url()})`);
  return Number(pathOf(page).split("/").pop());
}

async function flow(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });

  await signUp(page);

  const ann = await addContact(page, "Ann Lee", "ann@example.com");
  check((await page.locator("h1").innerText()).includes("Ann Lee"), "the new contact's page shows the name");

  // The date field shows what the phrase means before saving (live, from /api/v1/when).
  await page.fill("#f-follow-when", "next tuesday 3pm");
  const preview = page.locator("#p-follow-when");
  await preview.filter({ hasText: "Tue 1 Dec 2026, 15:00" }).waitFor();
  const previewText = (await preview.innerText()).trim();
  check(previewText.startsWith("→ Tue 1 Dec 2026, 15:00"), "the live preview reads the phrase");
  check(previewText.includes("the Tuesday of next week"), "the live preview says how a choice was read");
  await page.fill("#f-follow-when", "next blursday");
  await preview.and(page.locator(".bad")).waitFor();
  check(!(await preview.innerText()).includes("Dec"), "a phrase that does not parse shows a problem, not a date");

  // The no-JavaScript path: "Preview date" submits and the server fills the preview.
  await page.fill("#f-follow-when", "next tuesday 3pm");
  await page.fill("#f-follow-note", "send the proposal");
  await submit(page, page.getByRole("button", { name: "Preview date", exact: true }));
  check((await page.locator("#p-follow-when").innerText()).includes("Tue 1 Dec 2026, 15:00"), "the server previews");
  check((await page.inputValue("#f-follow-when")) === "next tuesday 3pm", "the preview keeps what was typed");
  await submit(page, page.getByRole("button", { name: "Schedule", exact: true }));

  // Today lists it in the coming days.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click();
  await page.waitForURL(url("/today"));
  const item = page.locator("li.item", { hasText: "Ann Lee" });
  check((await item.count()) === 1, "the follow-up is on Today");
  check((await item.innerText()).includes("send the proposal"), "with what it is about");
  const itemId = (await item.getAttribute("id")).replace("follow-up-", "");

  // A phone-sized screen: nothing scrolls sideways.
  const phone = await browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  phone.setDefaultTimeout(STEP_TIMEOUT);
  const small = await phone.newPage();
  for (const path of ["/today", `/contacts/${ann}`, "/contacts", "/settings", "/mail/review"]) {
    await small.goto(url(path));
    check(pathOf(small) === path, `the phone is signed in at ${path}`);
    await checkNoHorizontalScroll(small, path);
  }
  await phone.close();

  // Done, with a note and an outcome.
  await item.locator("summary", { hasText: "Done" }).click();
  await page.fill(`#f-done-${itemId}-note`, "Left a voicemail; she calls back Friday");
  const outcome = page.locator(`#f-done-${itemId}-outcome`);
  const outcomes = await outcome.locator("option").evaluateAll((options) => options.map((o) => o.value));
  check(outcomes.includes("voicemail"), `"voicemail" is an outcome (${outcomes})`);
  await outcome.selectOption("voicemail");
  await submit(page, item.getByRole("button", { name: "Mark done", exact: true }));
  check(pathOf(page) === "/today", "marking done returns to Today");
  check((await page.locator("li.item", { hasText: "Ann Lee" }).count()) === 0, "a done follow-up leaves Today");

  // The note is on the contact's timeline.
  await page.goto(url(`/contacts/${ann}`));
  const timeline = page.locator("ol.timeline");
  check(
    (await timeline.innerText()).includes("Left a voicemail; she calls back Friday"),
    "the note is on the timeline",
  );

  // Whatever a user types is text, never markup: no dialog, no injected element.
  const payload = `<img src=x onerror="alert('img')"><script>alert('script')</script>"'&`;
  const evil = await addContact(page, payload);
  check((await page.locator("h1").innerText()).includes(payload), "the name shows as typed on its page");
  check((await page.locator("main img, main script").count()) === 0, "the name adds no element to the page");
  await page.goto(url("/contacts"));
  check((await page.locator("main").innerText()).includes(payload), "the name shows as typed in the list");
  check((await page.locator("main img, main script").count()) === 0, "the list gains no element");
  await page.goto(url(`/contacts/${evil}`));
  await page.fill("#f-follow-when", "tomorrow");
  await page.fill("#f-follow-note", payload);
  await submit(page, page.getByRole("button", { name: "Schedule", exact: true }));
  await page.goto(url("/today"));
  check((await page.locator("li.item", { hasText: payload }).count()) === 1, "Today shows the name as text");
  check((await page.locator("main img, main script").count()) === 0, "Today gains no element");
  check(dialogs.length === 0, `no script ran (dialogs: ${dialogs})`);

  // Sign out: the session ends.
  await page.getByRole("button", { name: /Sign out/ }).click();
  await page.waitForURL(url("/login"));
  await page.goto(url("/today"));
  check(pathOf(page) === "/login", "after signing out, Today asks to sign in");
  await context.close();
}

async function demo(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  await page.goto(url("/"));
  check(pathOf(page) === "/login", "the demo asks to sign in");
  const notice = (await page.locator(".notice").innerText()).trim();
  const [, email, password] = notice.match(/sign in as (\S+) with password (\S+?)\.?$/) ?? [];
  check(email && password, `the sign-in page shows the demo login (${notice})`);
  await page.fill("#f-login-email", email);
  await page.fill("#f-login-password", password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(url("/today"));
  for (const heading of ["Promises at risk", "Overdue"]) {
    check(await page.getByRole("heading", { name: heading }).isVisible(), `demo Today shows "${heading}"`);
  }
  check((await page.locator("li.item").count()) >= 5, "demo Today lists follow-ups");
  await checkNoHorizontalScroll(page, "demo /today");
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
  await everyPageOnAPhone(browser, context);
  await context.close();
}

/** Every page of a signed-in installation on a 360 px wide phone: the document is never wider than the screen. */
async function everyPageOnAPhone(browser, signedIn) {
  const phone = await browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    timezoneId: "America/New_York",
    storageState: await signedIn.storageState(),
  });
  phone.setDefaultTimeout(STEP_TIMEOUT);
  const page = await phone.newPage();
  const links = async (path, pattern) => {
    await page.goto(url(path));
    const hrefs = await page.locator("main a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    return [...new Set(hrefs.filter((href) => pattern.test(href)))];
  };
  const contacts = await links("/contacts", /^\/contacts\/\d+$/);
  const plans = await links("/plans", /^\/plans\/\d+$/);
  check(contacts.length >= 5 && plans.length >= 1, `the demo has contacts and plans (${contacts.length}, ${plans.length})`);
  // A library item with a long address (the demo has none), its page, and a share's drafted email.
  await page.goto(url("/library"));
  await page.fill("#f-item-url", "https://example.com/a-rather-long-address/that-must-wrap-on-a-phone/pricing-guide-2026");
  await page.fill("#f-item-title", "A pricing guide with a title long enough to wrap on a phone screen");
  await page.fill("#f-item-tags", "pricing, clients");
  await Promise.all([page.waitForURL(/\/library\/\d+/), page.click("text=Add to the library")]);
  const item = pathOf(page);
  const share = `/library/share?item=${item.split("/").pop()}&contact=${contacts[0].split("/").pop()}`;
  const paths = [
    "/today",
    "/contacts",
    "/contacts?q=a",
    "/contacts/new",
    "/contacts/import",
    ...contacts,
    ...contacts.slice(0, 3).map((path) => `${path}/edit`),
    "/plans",
    ...plans,
    "/settings",
    "/mail/review",
    "/library",
    item,
    share,
    ...EXTRA_PAGES,
  ];
  for (const path of paths) {
    await page.goto(url(path));
    check(pathOf(page) === path.split("?")[0], `the phone is signed in at ${path} (at ${page.url()})`);
    // Open every fold-out (done with a note, snooze, running late…): what they hold must fit too.
    await page.locator("details").evaluateAll((all) => all.forEach((details) => { details.open = true; }));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 360, `${path} fits a 360 px wide phone (the document is ${width} px wide)`);
  }
  await phone.close();
  console.log(`phone: ${paths.length} pages fit 360 px`);
}

/** Pages beyond the demo's links that must fit a phone too. */
const EXTRA_PAGES = ["/drifting", "/focus", "/reports", "/reports?period=6m", "/lists", "/campaigns"];

/** Press a key that leads to another page, and wait for it. */
async function pressAndLoad(page, key) {
  await Promise.all([page.waitForEvent("load"), page.keyboard.press(key)]);
}

/** The name on the Focus card. */
const focusName = async (page) => (await page.locator("#focus-item h2 a").innerText()).trim();

/**
 * Focus with the keyboard only. The caller set up five follow-ups due today, in
 * this order: Ann Lee (email, with an address), Bo Brown, Cy Chan, Di Diaz, Ed Eng
 * (calls); it checks the records afterwards through the API.
 */
async function focus(browser) {
  const [email, password] = rest;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  await page.goto(url("/login"));
  await page.fill("#f-login-email", email);
  await page.fill("#f-login-password", password);
  await page.keyboard.press("Enter");
  await page.waitForURL(url("/today"));

  // Today offers Focus; the block starts there.
  const link = page.locator("#start-focus");
  check((await link.innerText()).includes("today's 5 one at a time"), "Today links to Focus with the count");
  await link.focus();
  await pressAndLoad(page, "Enter");
  check(pathOf(page) === "/focus", `Focus opens (at ${page.url()})`);
  const status = async () => (await page.locator("#focus-status").innerText()).trim();
  check((await status()).startsWith("5 left · running"), `it shows what is left and how long it ran (${await status()})`);
  check((await focusName(page)) === "Ann Lee", "the first item is the earliest due");
  const beside = await page.locator(".focus-beside").innerText();
  check(beside.includes("Asked for the proposal") && beside.includes("send the pricing sheet"), "last touches and open promises beside it");

  // e opens the drafted email: through Tickler, or the mail app.
  await page.keyboard.press("e");
  check(await page.locator("#focus-email").evaluate((d) => d.open), "e opens the drafted email");
  check(await page.locator("#f-focus-subject").evaluate((input) => input === document.activeElement), "the subject has the focus");
  check((await page.inputValue("#f-focus-subject")) === "Following up: Send the proposal", "the draft has a subject");
  check((await page.inputValue("#f-focus-body")).startsWith("Hi Ann,"), "the draft greets by first name");
  const mailto = await page.getByRole("link", { name: "Open in your mail app" }).getAttribute("href");
  check(mailto.startsWith("mailto:ann@example.com?subject=Following%20up%3A%20Send%20the%20proposal&body=Hi%20Ann"), `a mailto link (${mailto})`);
  // The phone: the card with every fold-out open fits 360 px.
  const phone = await browser.newContext({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, timezoneId: "America/New_York",
    storageState: await context.storageState(),
  });
  const small = await phone.newPage();
  await small.goto(page.url());
  await small.locator("details").evaluateAll((all) => all.forEach((details) => { details.open = true; }));
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `Focus fits a 360 px wide phone (the document is ${width} px wide)`);
  await phone.close();

  // Escape leaves the field, so keys work again; j and k move without acting.
  await page.keyboard.press("Escape");
  await pressAndLoad(page, "j");
  check((await focusName(page)) === "Bo Brown", "j shows the next item");
  check((await status()).startsWith("5 left"), "moving acts on nothing");
  await pressAndLoad(page, "k");
  check((await focusName(page)) === "Ann Lee", "k shows the previous item");

  // d: done.
  await pressAndLoad(page, "d");
  check((await page.locator(".notice").innerText()).includes("Marked done."), "d marks done");
  check((await focusName(page)) === "Bo Brown", "and moves to the next");
  check((await status()).startsWith("4 left"), `one fewer left (${await status()})`);

  // n: done with a note, typed then Enter.
  await page.keyboard.press("n");
  check(await page.locator("#f-focus-note").evaluate((input) => input === document.activeElement), "n puts the cursor in the note");
  await page.keyboard.type("Left a voicemail; calls back Friday");
  await pressAndLoad(page, "Enter");
  check((await focusName(page)) === "Cy Chan", "the note saves and moves on");

  // s: snooze, a phrase then Enter (the field's text is selected, so typing replaces it).
  await page.keyboard.press("s");
  check(await page.locator("#f-focus-when").evaluate((input) => input === document.activeElement), "s puts the cursor in Until");
  await page.keyboard.type("next monday 9am");
  await pressAndLoad(page, "Enter");
  check((await page.locator(".notice").innerText()).includes("Snoozed."), "s snoozes");
  check((await focusName(page)) === "Di Diaz", "and moves on");

  // x: skip.
  await pressAndLoad(page, "x");
  check((await page.locator(".notice").innerText()).includes("Skipped."), "x skips");
  check((await focusName(page)) === "Ed Eng", "the last item");

  // ?: the keys, shown and hidden.
  const help = page.locator("#focus-help");
  check(!(await help.evaluate((d) => d.open)), "the keys start folded");
  await page.keyboard.press("?");
  check(await help.evaluate((d) => d.open), "? shows the keys");
  const helpText = await help.innerText();
  check(helpText.includes("skip: the follow-up is marked skipped") && helpText.includes("next / previous"), "the help names the keys");
  await page.keyboard.press("?");
  check(!(await help.evaluate((d) => d.open)), "? hides them again");

  // j past the last: the summary, with Ed still open; k goes back to him, d ends the day.
  await pressAndLoad(page, "j");
  const summary = page.locator("#focus-summary");
  check((await summary.innerText()).includes("1 still open today"), "the summary says what is left");
  await pressAndLoad(page, "k");
  check((await focusName(page)) === "Ed Eng", "k from the summary goes back to the last item");
  await pressAndLoad(page, "d");
  check((await summary.locator("h2").innerText()).includes("All done for today"), "the block ends with a summary");
  const tally = {};
  for (const key of ["done", "noted", "snoozed", "skipped", "time"]) {
    tally[key] = (await page.locator(`#summary-${key}`).innerText()).trim();
  }
  check(tally.done === "2" && tally.noted === "1" && tally.snoozed === "1" && tally.skipped === "1", `the tally (${JSON.stringify(tally)})`);
  check(tally.time.length > 0, `the time taken is shown (${tally.time})`);
  check((await status()).startsWith("0 left"), "nothing left");
  await context.close();
}

async function unsubscribe(browser) {
  const [email, password, listPath, leaveLink, neverLink] = rest;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();

  // "Fewer emails: just this list", from the first message's link, without signing in.
  let response = await page.goto(leaveLink);
  check(response.status() === 200, `the unsubscribe link opens (${response.status()})`);
  const heading = await page.locator("h1").innerText();
  check(heading.includes("Monthly letter"), `the page names the list (${heading})`);
  const text = await page.locator("main").innerText();
  check(!text.includes("Ann") && !text.includes("@"), "the page says nothing about the contact");
  await submit(page, page.locator("#choose-list"));
  check(await page.locator("#done-list").isVisible(), "leaving the list is confirmed");
  check((await page.locator("#choose-list").count()) === 0, "the list is left: that choice is gone");

  // "Please don't contact me at all", from the second message's link.
  await page.goto(neverLink);
  await submit(page, page.locator("#choose-never"));
  check(await page.locator("#done-never").isVisible(), "do-not-contact is confirmed");

  // A tampered token: one character of its signature changed.
  const last = neverLink.slice(-1);
  const tampered = neverLink.slice(0, -1) + (last === "A" ? "B" : "A");
  response = await page.goto(tampered);
  check(response.status() === 403, `a tampered link is refused (${response.status()})`);
  check((await page.locator("main").innerText()).includes("not valid"), "the refusal says the link is not valid");

  // The user sees both changes on the list's page.
  await page.goto(url("/login"));
  await page.fill("#f-login-email", email);
  await page.fill("#f-login-password", password);
  await page.keyboard.press("Enter");
  await page.waitForURL(url("/today"));
  await page.goto(url(listPath));
  const ann = await page.locator("tr", { hasText: "Ann Lee" }).innerText();
  check(ann.includes("left") && ann.includes("unsubscribe"), `Ann left the list through the link (${ann})`);
  const bob = await page.locator("tr", { hasText: "Bob Ray" }).innerText();
  check(bob.includes("do not contact") && bob.includes("left"), `Bob is do-not-contact and off the list (${bob})`);
  await context.close();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
let failed = false;
try {
  await ({ flow, demo, focus, unsubscribe }[mode])(browser);
} catch (error) {
  failed = true;
  console.error(`FAIL (${mode}) after ${passed} checks: ${error.stack || error}`);
} finally {
  await browser.close();
}
console.log(`${mode}: ${passed} checks passed${failed ? ", then one failed" : ""}`);
process.exit(failed ? 1 : 0);
