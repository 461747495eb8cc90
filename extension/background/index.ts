// Wires the background's parts to the browser's events. Listeners are added synchronously, as MV3 requires of a
// service worker that the browser may stop and start again at any time.
import { browser } from 'wxt/browser';
import { connection } from '../storage.ts';
import { type ConnectionOptions, createConnection } from './connection.ts';
import { syncRegistrations } from './registrations.ts';
import { createRouter } from './router.ts';
import { protectSessionStorage } from './token.ts';

export const REFRESH_ALARM = 'seatkeeper-refresh';
/** How often the figures and rules are fetched while the browser is open. */
export const REFRESH_MINUTES = 5;
/** Regaining focus, or the worker waking up, refreshes only figures older than this. */
const STALE_MS = 60_000;

export function startBackground(options: ConnectionOptions = {}) {
  const now = options.now ?? (() => new Date());
  const server = createConnection(options);
  const router = createRouter(server, { now });
  // The worker sleeps after half a minute idle and wakes for each event: the age is kept in storage, not memory.
  const refreshIfStale = async () => {
    const { checkedAt } = await connection.getValue();
    if (checkedAt !== null && now().getTime() - Date.parse(checkedAt) < STALE_MS) await server.redrawToolbar();
    else await server.refresh();
  };
  // Creating an alarm again would restart its period, and the worker wakes more often than every five minutes.
  const schedule = async () => {
    if (!(await browser.alarms.get(REFRESH_ALARM))) {
      await browser.alarms.create(REFRESH_ALARM, { periodInMinutes: REFRESH_MINUTES });
    }
  };

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    void router.handle(message, sender).then(sendResponse);
    return true; // the answer comes asynchronously
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === REFRESH_ALARM) void server.refresh();
  });
  browser.windows.onFocusChanged.addListener((windowId) => {
    if (windowId !== browser.windows.WINDOW_ID_NONE) void refreshIfStale();
  });
  // A grant withdrawn in the browser's settings stops the content script there at once.
  browser.permissions.onRemoved.addListener(() => void syncRegistrations());
  browser.permissions.onAdded.addListener(() => void syncRegistrations());

  // Every start of the worker: session storage closed to content scripts, the schedule, scripts registered again.
  const ready = Promise.all([protectSessionStorage(), schedule(), syncRegistrations(), refreshIfStale()]);
  return { router, server, ready };
}
