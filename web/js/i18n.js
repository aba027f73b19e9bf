// Swedish / English message catalogues (web/i18n/{sv,en}.json, same keys).
//
//   <h1 data-i18n="key">            textContent := t(key, args)
//   data-i18n-args='{"n": 2}'       arguments for {n} placeholders
//   data-i18n-attr="aria-label:key; placeholder:key2"   attributes
//
//   <a href="register.html" data-lang-link>   href keeps ?lang= of the page
//
// The language comes from ?lang=sv|en in the address (a link that names
// it, as the Atom feed's do), else localStorage (the visible SV | EN
// switch), else navigator.languages (the first of sv/en found), else
// English. A visitor's choice on the switch is written to both, so a
// reload and a shared address keep it, and the links marked
// data-lang-link (and those a page makes through withLang()) carry it.

export const LANGS = ['sv', 'en'];
const STORAGE_KEY = 'techtank.lang';

const catalogues = {};
let lang = 'en';
const listeners = [];

function storedLang() {
  try {
    const s = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(s) ? s : null;
  } catch {
    return null;
  }
}

function queryLang() {
  const q = new URLSearchParams(location.search).get('lang');
  return LANGS.includes(q) ? q : null;
}

function browserLang() {
  const prefs = (navigator.languages && navigator.languages.length)
    ? navigator.languages : [navigator.language || 'en'];
  for (const p of prefs) {
    const base = String(p).toLowerCase().split('-')[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

async function load(l) {
  if (!catalogues[l]) {
    const res = await fetch(new URL(`../i18n/${l}.json`, import.meta.url), { cache: 'no-cache' });
    if (!res.ok) throw new Error(`catalogue ${l}: HTTP ${res.status}`);
    catalogues[l] = await res.json();
  }
  return catalogues[l];
}

export function getLang() {
  return lang;
}

/**
 * href with ?lang= set to the page's language (replacing one it has),
 * its other parameters and its #fragment kept: "register.html" ->
 * "register.html?lang=en", "/api/v1/schedule.xml" -> "...?lang=en".
 */
export function withLang(href, l = lang) {
  const hashAt = href.indexOf('#');
  const hash = hashAt < 0 ? '' : href.slice(hashAt);
  const rest = hashAt < 0 ? href : href.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const q = new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1));
  q.set('lang', l);
  return `${path}?${q.toString()}${hash}`;
}

/** The address bar says the language chosen, so a reload keeps it. */
function addressLang(l) {
  if (queryLang() === l) return;
  try {
    history.replaceState(history.state, '', withLang(`${location.pathname}${location.search}${location.hash}`, l));
  } catch { /* a page the history API does not serve: the choice still holds here */ }
}

/**
 * A text the organisers give in both languages: obj[field] is the Swedish
 * one, obj[field + '_en'] the English one, used on the English page where
 * it was filled in.
 */
export function pick(obj, field) {
  if (!obj) return '';
  const en = obj[`${field}_en`];
  if (lang === 'en' && typeof en === 'string' && en.trim()) return en;
  return typeof obj[field] === 'string' ? obj[field] : '';
}

const own = (o, k) => !!o && Object.prototype.hasOwnProperty.call(o, k);
const pluralRules = {};

/**
 * The key a count picks: "key.one" or "key.other" (Intl.PluralRules of the
 * page's language) where the catalogue words key by number, else key.
 */
function pluralKey(key, count) {
  if (typeof count !== 'number' || !Number.isFinite(count)) return key;
  const cat = catalogues[lang] || {};
  if (!own(cat, `${key}.other`) && !own(catalogues.en, `${key}.other`)) return key;
  if (!pluralRules[lang]) pluralRules[lang] = new Intl.PluralRules(lang);
  const exact = `${key}.${pluralRules[lang].select(count)}`;
  return own(cat, exact) || own(catalogues.en, exact) ? exact : `${key}.other`;
}

/** Whether the catalogues word key (by itself or by number). */
export function has(key) {
  return own(catalogues[lang], key) || own(catalogues.en, key)
    || own(catalogues[lang], `${key}.other`) || own(catalogues.en, `${key}.other`);
}

/**
 * Message for key with {placeholders} filled in; the key itself if missing.
 * A key worded by number ("key.one", "key.other") is chosen by args.n, or
 * by args[count] when count names another argument.
 */
export function t(key, args, count = 'n') {
  const cat = catalogues[lang] || {};
  key = pluralKey(key, args ? args[count] : undefined);
  let msg = own(cat, key) ? cat[key] : (own(catalogues.en, key) ? catalogues.en[key] : key);
  if (args) {
    msg = msg.replace(/\{(\w+)\}/g, (m, name) =>
      (Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : m));
  }
  return msg;
}

/** Mark an element as translated by key (and args) and fill it in now. */
export function setText(node, key, args) {
  node.dataset.i18n = key;
  if (args) node.dataset.i18nArgs = JSON.stringify(args);
  else delete node.dataset.i18nArgs;
  node.textContent = t(key, args);
  return node;
}

function argsOf(node) {
  if (!node.dataset.i18nArgs) return undefined;
  try {
    return JSON.parse(node.dataset.i18nArgs);
  } catch {
    return undefined;
  }
}

/** Fill every data-i18n / data-i18n-attr element under root. */
export function apply(root = document) {
  const nodes = [];
  if (root.nodeType === 1 && root.matches('[data-i18n],[data-i18n-attr]')) nodes.push(root);
  nodes.push(...root.querySelectorAll('[data-i18n],[data-i18n-attr]'));
  for (const node of root.querySelectorAll('a[data-lang-link]')) {
    node.setAttribute('href', withLang(node.getAttribute('href')));
  }
  for (const node of nodes) {
    const args = argsOf(node);
    if (node.dataset.i18n) node.textContent = t(node.dataset.i18n, args);
    if (node.dataset.i18nAttr) {
      for (const pair of node.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':').map((s) => s && s.trim());
        if (attr && key) node.setAttribute(attr, t(key, args));
      }
    }
  }
}

function updateSwitch() {
  for (const b of document.querySelectorAll('.lang-switch button[data-lang]')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
}

export async function setLang(l, { persist = true } = {}) {
  if (!LANGS.includes(l)) l = 'en';
  await load('en'); // fallback for any missing key
  await load(l);
  lang = l;
  document.documentElement.lang = l;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch { /* private mode: the switch still works for this page */ }
    addressLang(l);
  }
  apply(document);
  updateSwitch();
  for (const fn of listeners) fn(l);
}

/** Call fn(lang) after every language change (to re-render dynamic text). */
export function onChange(fn) {
  listeners.push(fn);
}

export async function init() {
  for (const b of document.querySelectorAll('.lang-switch button[data-lang]')) {
    b.addEventListener('click', () => {
      if (b.dataset.lang !== lang) setLang(b.dataset.lang);
    });
  }
  const stored = queryLang() || storedLang();
  await setLang(stored || browserLang(), { persist: false });
}
