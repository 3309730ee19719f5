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
