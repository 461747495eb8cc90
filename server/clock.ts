/** Injected so tests can move time forward (session expiry, link expiry, rate-limit windows). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
