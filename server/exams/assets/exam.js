// Progressive enhancement for the attempt page (served as a static file: the CSP forbids inline scripts).
// Without it the page still works: answers are saved with the form buttons and the time shows on each load.
(() => {
  const form = document.getElementById('attempt-form');
  const timer = document.getElementById('timer');
  if (!form || !timer) return;
  const attemptId = form.dataset.attempt;
  const timeLeft = document.getElementById('time-left');
  const announcer = document.getElementById('timer-announcer');
  const status = document.getElementById('save-status');
  // The page's words come from the server's catalogs, in the page's language ({placeholders} filled in here).
  const say = (name, values = {}) =>
    (form.dataset[name] ?? '').replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  const lang = document.documentElement.lang || 'en';
  const unit = (name, display) => new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: display });
  const minutesShort = unit('minute', 'short');
  const secondsShort = unit('second', 'short');
  const minutesLong = unit('minute', 'long');
  const secondsLong = unit('second', 'long');

  // Timer: the server sent the seconds left; count down from page load (immune to a wrong client clock).
  const endsAt = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  // Announce every 5 minutes, then at 1 minute left, and when time is up; never more often, never at page load.
  const milestoneFor = (seconds) => {
    if (seconds <= 0) return 0;
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 || minutes % 5 === 0 ? minutes : null;
  };
  const secondsLeft = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  let lastMilestone = milestoneFor(secondsLeft());
  const tick = () => {
    const seconds = secondsLeft();
    timeLeft.textContent =
      seconds >= 60
        ? `${minutesShort.format(Math.floor(seconds / 60))} ${secondsShort.format(seconds % 60)}`
        : secondsLong.format(seconds);
    const milestone = milestoneFor(seconds);
    if (milestone !== null && milestone !== lastMilestone) {
      announcer.textContent =
        milestone === 0 ? say('msgTimeUp') : say('msgLeft', { duration: minutesLong.format(milestone) });
    }
    if (milestone !== null) lastMilestone = milestone;
    if (seconds === 0) {
      clearInterval(interval);
      flush().finally(() => setTimeout(() => window.location.reload(), 1500));
    }
  };
  const interval = setInterval(tick, 1000);
  tick();

  // Autosave: one save per change, with a per-question sequence number so retries and reordering are harmless.
  const pending = new Map();
  let failing = false;
  let inFlight = null;

  const answerOf = (fieldset) => {
    const kind = fieldset.dataset.kind;
    if (kind === 'short_answer') return fieldset.querySelector('input[type=text]').value;
    const checked = [...fieldset.querySelectorAll('input:checked')].map((i) => i.value);
    return kind === 'multiple' ? checked : (checked[0] ?? null);
  };

  const queue = (fieldset) => {
    const position = Number(fieldset.dataset.position);
    const seqInput = fieldset.querySelector(`input[name="seq-${position}"]`);
    const answer = answerOf(fieldset);
    if (answer === null) return;
    const seq = Number(seqInput.value);
    seqInput.value = String(seq + 1); // the no-script form submit then carries a newer number still
    pending.set(position, { position, seq, answer });
    flush();
  };

  const setStatus = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  async function flush() {
    if (inFlight) return inFlight;
    if (pending.size === 0) return;
    const answers = [...pending.values()];
    pending.clear();
    inFlight = fetch(`/api/v1/attempts/${attemptId}/answers`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers: answers.map(({ position, seq, answer }) => ({ position, seq, answer })) }),
    })
      .then((response) => {
        if (response.status === 409) {
          window.location.reload();
          return;
        }
        if (!response.ok) throw new Error(String(response.status));
        if (failing) setStatus(say('msgSavedAgain'));
        failing = false;
        return response.json().then((body) => {
          // Not applied on a first try means a newer save exists (another window or device): say so once.
          const stale = body.saved.filter((s, i) => !s.applied && !answers[i]?.retried);
          if (stale.length) setStatus(say('msgStale', { number: stale[0].position + 1 }));
        });
      })
      .catch(() => {
        for (const a of answers) if (!pending.has(a.position)) pending.set(a.position, { ...a, retried: true });
        if (!failing) setStatus(say('msgOffline'));
        failing = true;
        setTimeout(flush, 3000);
      })
      .finally(() => {
        inFlight = null;
        if (pending.size && !failing) flush();
      });
    return inFlight;
  }

  const timers = new Map();
  form.addEventListener('change', (event) => {
    const fieldset = event.target.closest('fieldset[data-position]');
    if (fieldset) queue(fieldset);
  });
  form.addEventListener('input', (event) => {
    const fieldset = event.target.closest('fieldset[data-position]');
    if (fieldset?.dataset.kind !== 'short_answer') return;
    clearTimeout(timers.get(fieldset));
    timers.set(
      fieldset,
      setTimeout(() => queue(fieldset), 800),
    );
  });
  window.addEventListener('online', () => flush());
  form.addEventListener('submit', () => {
    flush();
  });
})();
