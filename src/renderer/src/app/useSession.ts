// React access to a DocumentSession: its snapshot, re-read only when the session says it changed.

import { useSyncExternalStore } from 'react';
import type { DocumentSession, SessionSnapshot } from '../session/session';

const noSubscription = () => () => {};
const noSnapshot = () => null;

/** The session's current snapshot (null without a session). */
export function useSessionSnapshot(session: DocumentSession | null): SessionSnapshot | null {
  return useSyncExternalStore(session ? session.subscribe : noSubscription, session ? session.getSnapshot : noSnapshot);
}
