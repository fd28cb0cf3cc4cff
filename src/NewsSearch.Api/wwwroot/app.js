// Newsroom search page: talks to /api/v1/search and /api/v1/articles/{id}.
// Highlights arrive HTML-escaped with <mark> tags from the server; every other field is set as text.
const $ = (id) => document.getElementById(id);
const state = { q: "", page: 1, pageSize: 10 };

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.q = p.get("q") ?? "";
  state.page = Math.max(1, parseInt(p.get("page") ?? "1", 10) || 1);
  $("q").value = state.q;
}

function writeUrl() {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  if (state.page > 1) p.set("page", state.page);
  history.pushState(null, "", p.toString() ? `?${p}` : location.pathname);
}

function meta(hit) {
  return [hit.publishedAt, hit.section, (hit.authors ?? []).join(" ")].filter(Boolean).join(" · ");
}

// When the server keys reads (RequireKeyForReads), ask once for the API key and keep it for this tab only.
async function api(url) {
  const headers = {};
  const key = sessionStorage.getItem("newssearch-api-key");
  if (key) headers["X-Api-Key"] = key;
  const res = await fetch(url, { headers });
  if ((res.status === 401 || res.status === 403) && (await res.clone().json().catch(() => ({}))).code?.endsWith("api_key")) {
    const given = prompt("此服务需要 API 密钥(X-Api-Key):");
    if (given) { sessionStorage.setItem("newssearch-api-key", given); return fetch(url, { headers: { "X-Api-Key": given } }); }
  }
  return res;
}

async function problemText(res) {
  try { const p = await res.json(); return [p.title, p.detail].filter(Boolean).join(":"); }
  catch { return `HTTP ${res.status}`; }
}

async function search() {
  const status = $("status");
  $("hits").replaceChildren();
  $("pager").hidden = true;
  status.classList.remove("error");
  if (!state.q) { status.textContent = ""; return; }
  status.textContent = "搜索中…";
  const url = `api/v1/search?q=${encodeURIComponent(state.q)}&page=${state.page}&pageSize=${state.pageSize}`;
  let res;
  try { res = await api(url); } catch (e) { status.textContent = `无法连接服务器:${e}`; status.classList.add("error"); return; }
  if (!res.ok) { status.textContent = await problemText(res); status.classList.add("error"); return; }
  const data = await res.json();
  status.textContent = data.totalHits === 0
    ? `没有找到与“${data.query}”相关的文章`
    : `共 ${data.totalHits} 篇,用时 ${data.tookMs.toFixed(1)} 毫秒`;
  for (const hit of data.hits) {
    const li = document.createElement("li");
    const h3 = document.createElement("h3");
    const a = document.createElement("a");
    a.innerHTML = hit.highlights.title; // server-escaped
    a.addEventListener("click", () => openArticle(hit.id));
    h3.append(a);
    const m = document.createElement("p");
    m.className = "meta";
    m.textContent = meta(hit);
    li.append(h3, m);
    for (const s of hit.highlights.body) {
      const p = document.createElement("p");
      p.className = "snippet";
      p.innerHTML = s; // server-escaped
      li.append(p);
    }
    $("hits").append(li);
  }
  const pages = Math.ceil(data.totalHits / state.pageSize);
  if (pages > 1) {
    $("pager").hidden = false;
    $("page-info").textContent = `第 ${state.page} / ${pages} 页`;
    $("prev").disabled = state.page <= 1;
    $("next").disabled = state.page >= pages;
  }
}

async function openArticle(id) {
  const res = await api(`api/v1/articles/${encodeURIComponent(id)}`);
  if (!res.ok) { $("status").textContent = await problemText(res); $("status").classList.add("error"); return; }
  const a = await res.json();
  $("a-title").textContent = a.title;
  $("a-subtitle").textContent = a.subtitle ?? "";
  $("a-meta").textContent = [a.publishedAt, a.section, a.authors.join(" "), a.source?.file].filter(Boolean).join(" · ");
  $("a-body").replaceChildren(...a.body.split("\n").filter(Boolean).map((t) => {
    const p = document.createElement("p"); p.className = "para"; p.textContent = t; return p;
  }));
  $("a-captions").replaceChildren(...a.captions.map((t) => { const p = document.createElement("p"); p.textContent = `图:${t}`; return p; }));
  $("article").showModal();
}

$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.q = $("q").value.trim();
  state.page = 1;
  writeUrl();
  search();
});
$("prev").addEventListener("click", () => { state.page--; writeUrl(); search(); });
$("next").addEventListener("click", () => { state.page++; writeUrl(); search(); });
window.addEventListener("popstate", () => { readUrl(); search(); });
readUrl();
search();
