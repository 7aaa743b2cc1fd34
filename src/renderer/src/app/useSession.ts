// React access to a DocumentSession or a ReviewSession: its snapshot, re-read only when the
// session says it changed.

import { useSyncExternalStore } from 'react';
import type { ReviewSession, ReviewSnapshot } from '../session/review';
import type { DocumentSession, SessionSnapshot } from '../session/session';

const noSubscription = () => () => {};
const noSnapshot = () => null;

/** The session's current snapshot (null without a session). */
export function useSessionSnapshot(session: DocumentSession | null): SessionSnapshot | null {
  return useSyncExternalStore(session ? session.subscribe : noSubscription, session ? session.getSnapshot : noSnapshot);
}

/** The review's current snapshot (null without a review). */
export function useReviewSnapshot(review: ReviewSession | null): ReviewSnapshot | null {
  return useSyncExternalStore(review ? review.subscribe : noSubscription, review ? review.getSnapshot : noSnapshot);
}
