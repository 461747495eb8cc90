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

  const setStatus = (text, failed = false) => {
    status.classList.toggle('failed', failed);
    // A failure is said at once (an alert); a success politely (the status role).
    status.setAttribute('role', failed ? 'alert' : 'status');
    if (status.textContent !== text) status.textContent = text;
  };
  const clock = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
  const savedNow = () => setStatus(say('msgSavedAt', { time: clock.format(new Date()) }));

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
        if (!response.ok) throw Object.assign(new Error('not saved'), { status: response.status });
        failing = false;
        return response.json().then((body) => {
          savedNow();
          // Not applied on a first try means a newer save exists (another window or device): say so once.
          const stale = body.saved.filter((s, i) => !s.applied && !answers[i]?.retried);
          if (stale.length) setStatus(say('msgStale', { number: stale[0].position + 1 }));
        });
      })
      .catch((error) => {
        for (const a of answers) if (!pending.has(a.position)) pending.set(a.position, { ...a, retried: true });
        if (!failing)
          setStatus(error?.status ? say('msgSaveFailed', { status: error.status }) : say('msgOffline'), true);
        failing = true;
        setTimeout(flush, 3000);
      })
      .finally(() => {
        inFlight = null;
        if (pending.size && !failing) flush();
      });
    return inFlight;
  }

  // The navigator: answered / not answered / flagged, kept current. Flags are saved with the attempt on the server
  // (the page came with them), so a reload or another device shows the same.
  const navLinks = [...document.querySelectorAll('a[data-nav]')];
  const progress = document.getElementById('progress');
  const flagButtons = [...form.querySelectorAll('button[data-flag]')];
  const flags = new Set(
    flagButtons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => Number(b.dataset.flag)),
  );
  const isAnswered = (fieldset) => {
    const answer = answerOf(fieldset);
    return Array.isArray(answer) ? answer.length > 0 : !!answer && answer.trim() !== '';
  };
  const mark = (fieldset) => {
    const position = Number(fieldset.dataset.position);
    const link = navLinks[position];
    if (!link) return;
    const answered = isAnswered(fieldset);
    const flagged = flags.has(position);
    link.classList.toggle('answered', answered);
    link.classList.toggle('flagged', flagged);
    const states = [say(answered ? 'msgStateAnswered' : 'msgStateUnanswered')];
    if (flagged) states.push(say('msgStateFlagged'));
    link.querySelector('.visually-hidden').textContent = ` ${states.join(', ')}`;
  };
  const fieldsets = [...form.querySelectorAll('fieldset[data-position]')];
  const count = () => {
    const answered = fieldsets.filter(isAnswered).length;
    progress.textContent = say('msgProgress', { answered, total: fieldsets.length });
  };
  const showFlag = (button, flagged) => {
    const position = Number(button.dataset.flag);
    if (flagged) flags.add(position);
    else flags.delete(position);
    button.setAttribute('aria-pressed', String(flagged));
    button.value = `${position}:${flagged ? 'off' : 'on'}`; // the no-script form then asks for the opposite again
    mark(button.closest('fieldset'));
  };
  for (const button of flagButtons) {
    button.addEventListener('click', (event) => {
      event.preventDefault();
      const position = Number(button.dataset.flag);
      const flagged = !flags.has(position);
      showFlag(button, flagged); // at once; put back if the server refuses
      fetch(`/api/v1/attempts/${attemptId}/flags`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ position, flagged }),
      })
        .then((response) => {
          if (response.status === 409) return window.location.reload();
          if (!response.ok) throw Object.assign(new Error('not saved'), { status: response.status });
          return response.json().then((body) => {
            for (const other of flagButtons) {
              const now = body.flagged.includes(Number(other.dataset.flag));
              if (now !== flags.has(Number(other.dataset.flag))) showFlag(other, now);
            }
          });
        })
        .catch((error) => {
          showFlag(button, !flagged);
          setStatus(error?.status ? say('msgSaveFailed', { status: error.status }) : say('msgOffline'), true);
        });
    });
  }
  for (const fieldset of fieldsets) mark(fieldset);
  // Arrow keys move between the navigator's links; Enter follows one and the question takes the focus.
  for (const [index, link] of navLinks.entries()) {
    link.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      navLinks[(index + step + navLinks.length) % navLinks.length].focus();
    });
    link.addEventListener('click', () => {
      const target = document.getElementById(`question-${link.dataset.nav}`);
      setTimeout(() => target?.focus({ preventScroll: true }), 0);
    });
  }

  const timers = new Map();
  form.addEventListener('change', (event) => {
    const fieldset = event.target.closest('fieldset[data-position]');
    if (fieldset) {
      mark(fieldset);
      count();
      queue(fieldset);
    }
  });
  form.addEventListener('input', (event) => {
    const fieldset = event.target.closest('fieldset[data-position]');
    if (fieldset?.dataset.kind !== 'short_answer') return;
    mark(fieldset);
    count();
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
