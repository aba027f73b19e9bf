// The print view of one name tag (door-tag.html?id=N): door staff open it
// from a scan's answer or a name search on the door page. It shows what
// GET /api/v1/door/attendees/{id}/tag says and the pass's QR code, on a
// page the size of 4 x 3 inch badge stock (css/door-tag.css), and with
// print=1 opens the browser's print dialog as soon as the code has drawn,
// closing itself after. Printing is no check-in.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';

const $ = (id) => document.getElementById(id);
const ROLES = ['attendee', 'speaker', 'staff', 'organiser', 'exhibitor'];
/* The first name's sizes, largest first: classes of css/door-tag.css. */
const FIRST_NAME_SIZES = ['fit-30', 'fit-26', 'fit-22', 'fit-18', 'fit-14'];

/** Shrink the first name until it fits its line and the tag its page. */
function fit() {
  const first = $('tag-first');
  const tag = $('tag');
  for (const size of FIRST_NAME_SIZES) {
    first.classList.remove(...FIRST_NAME_SIZES);
    first.classList.add(size);
    if (first.scrollWidth <= first.clientWidth && tag.scrollHeight <= tag.clientHeight) return;
  }
}

function imageLoaded(img) {
  if (img.complete && img.naturalWidth > 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    img.addEventListener('load', () => resolve(true), { once: true });
    img.addEventListener('error', () => resolve(false), { once: true });
  });
}

function show(tag, id) {
  const role = ROLES.includes(tag.role) ? tag.role : 'attendee';
  const band = $('tag-role');
  band.className = `tag-role tag-role--${role}`;
  i18n.setText(band, `tag.role.${role}`);
  $('tag-first').textContent = tag.first_name;
  $('tag-full').textContent = `${tag.first_name} ${tag.last_name}`;
  $('tag-company').textContent = tag.company;
  $('tag-event').textContent = tag.event.name;
  const qr = $('tag-qr');
  const name = { name: `${tag.first_name} ${tag.last_name}` };
  qr.dataset.i18nArgs = JSON.stringify(name);
  qr.dataset.i18nAttr = 'alt:tag.qr_alt';
  qr.alt = i18n.t('tag.qr_alt', name);
  qr.src = `/api/v1/door/attendees/${encodeURIComponent(id)}/qr.svg`;
  $('tag').hidden = false;
  fit();
  return imageLoaded(qr);
}

async function main() {
  await i18n.init();
  $('tag-close').addEventListener('click', () => window.close());
  $('tag-print').addEventListener('click', () => window.print());
  window.addEventListener('afterprint', () => {
    if (new URLSearchParams(location.search).get('print') === '1') window.close();
  });
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  if (!/^[1-9][0-9]{0,15}$/.test(id)) {
    i18n.setText($('tag-status'), 'tag.no_such');
    return;
  }
  const r = await api('GET', `/api/v1/door/attendees/${id}/tag`);
  if (r.status === 401) {
    i18n.setText($('tag-status'), 'tag.login');
    return;
  }
  if (r.status !== 200 || !r.body) {
    $('tag-status').textContent = r.status === 409 ? i18n.t('tag.no_pass')
      : (r.status === 404 ? i18n.t('tag.no_such') : errorText(r));
    return;
  }
  const drawn = await show(r.body, id);
  $('tag-print').hidden = false;
  i18n.setText($('tag-status'), drawn ? 'tag.ready' : 'tag.qr_failed');
  document.body.dataset.ready = drawn ? 'yes' : 'no';
  if (drawn && params.get('print') === '1') window.print();
}

main();
