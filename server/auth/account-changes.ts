import { EventEmitter } from 'node:events';
import type { Role } from './tables.ts';

export type AccountChangeKind =
  | 'created'
  | 'renamed'
  | 'role_changed'
  | 'activated'
  | 'deactivated'
  | 'signed_in'
  /** Its owner closed it (rule 26a): deactivated for good. */
  | 'closed'
  /** Its personal data was erased: gone from every count and every link (rule 26a). */
  | 'erased';

export interface AccountChange {
  kind: AccountChangeKind;
  accountId: string;
  role: Role;
  at: string;
}

/**
 * Hook point for keeping licence figures live: the storage layer emits one event after every committed account
 * change. Nothing subscribes yet; listeners must not throw (errors are caught and logged by the emitter's owner).
 */
export class AccountChanges extends EventEmitter<{ change: [AccountChange] }> {
  notify(change: AccountChange): void {
    try {
      this.emit('change', change);
    } catch {
      // A faulty listener must never undo or fail the change that already committed.
    }
  }
}
