// Tickler's small enhancements. Every page works without them.
"use strict";

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Date fields: show what the phrase means beside the field, before saving.
for (const input of document.querySelectorAll("input[data-when]")) {
  const output = document.getElementById(input.dataset.when);
  const show = debounce(async () => {
    const phrase = input.value.trim();
    if (!phrase) { output.textContent = ""; output.classList.remove("bad"); return; }
    try {
      const response = await fetch("/api/v1/when?q=" + encodeURIComponent(phrase), { credentials: "same-origin" });
      const body = await response.json();
      if (input.value.trim() !== phrase) return;
      output.textContent = response.ok
        ? "→ " + body.display + (body.explanation ? " — " + body.explanation : "")
        : body.message.replace(/^q: /, "");
      output.classList.toggle("bad", !response.ok);
    } catch (_) { /* offline: the server checks on save */ }
  }, 200);
  input.addEventListener("input", show);
  if (input.value.trim() && !output.textContent.trim()) show();
}

// Search as you type: fetch the same page and swap the results in.
for (const form of document.querySelectorAll("form[data-live]")) {
  const target = document.getElementById(form.dataset.live);
  const refresh = debounce(async () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    const url = form.action + (params.toString() ? "?" + params : "");
    const response = await fetch(url, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(form.dataset.live);
    if (fresh) { target.replaceWith(fresh); history.replaceState(null, "", url); }
  }, 250);
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); });
}

const zone = document.getElementById("f-setup-zone");
if (zone && !zone.value) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

for (const input of document.querySelectorAll("input.copy")) input.addEventListener("focus", () => input.select());

// Copy buttons: shown only where the browser can copy (else the address is still selected whole on a click).
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(("value" in source ? source.value : source.textContent).trim());
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    } catch (_) {
      if ("select" in source) { source.select(); return; }
      const range = document.createRange();
      range.selectNodeContents(source);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  });
}

// Focus, the daily block: keys for the buttons and links the page already has
// (d done, n note, s snooze, x skip, j/k next/previous, e email, ? help).
const focusPage = document.getElementById("focus");
if (focusPage) {
  const help = document.getElementById("focus-help");
  const press = (id) => {
    const element = document.getElementById(id);
    if (element) element.click();
  };
  const open = (id, field) => {
    const details = document.getElementById(id);
    if (!details) return;
    details.open = true;
    const input = document.getElementById(field);
    if (input) { input.focus(); if (input.select) input.select(); }
  };
  const keys = {
    d: () => press("focus-done"),
    n: () => open("focus-note", "f-focus-note"),
    s: () => open("focus-snooze", "f-focus-when"),
    x: () => press("focus-skip"),
    j: () => press("focus-next"),
    k: () => press("focus-prev"),
    e: () => open("focus-email", "f-focus-subject"),
    "?": () => { if (help) help.open = !help.open; },
  };
  // How long the block has run, kept current between pages (from the server's count, not the browser's clock).
  const elapsed = document.getElementById("focus-elapsed");
  if (elapsed && elapsed.dataset.seconds) {
    const base = Number(elapsed.dataset.seconds);
    const loaded = performance.now();
    setInterval(() => {
      const minutes = Math.floor((base + (performance.now() - loaded) / 1000) / 60);
      elapsed.textContent = minutes < 1 ? "under a minute"
        : minutes < 60 ? `${minutes} min`
        : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
    }, 15000);
  }
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.key === "Escape" && help && help.open) { help.open = false; return; }
    const act = keys[event.key];
    if (act) { event.preventDefault(); act(); }
  });
}
