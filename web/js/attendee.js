// One attendee of a registration as the API takes it (db/reg-input.c):
// the person's fields with the server's limits, and the JSON built from
// what was typed. The public registration page and the console's
// "Register someone" both send attendees made here.

/** The person's fields in the order of the forms; max as the server counts. */
export const ATTENDEE_FIELDS = [
  { name: 'first_name', type: 'text', required: true, max: 100 },
  { name: 'last_name', type: 'text', required: true, max: 100 },
  { name: 'email', type: 'email', required: true, max: 254 },
  { name: 'company', type: 'text', max: 150 },
  { name: 'job_title', type: 'text', max: 150 },
  { name: 'dietary', type: 'textarea', max: 500 },
];

/** The contact person's phone, beside the fields above. */
export const PHONE_MAX = 40;

/**
 * An attendee's JSON: value(name) is what was typed in each field. The
 * names and the address always go (the server says what is missing), the
 * optional fields only when filled in; sessions are the sign-ups' ids.
 */
export function attendeeBody(value, { listed = false, sessions = [] } = {}) {
  const a = {};
  for (const f of ATTENDEE_FIELDS) {
    const v = String(value(f.name) ?? '').trim();
    if (f.required || v) a[f.name] = v;
  }
  a.listed = Boolean(listed);
  if (sessions.length) a.sessions = sessions;
  return a;
}
