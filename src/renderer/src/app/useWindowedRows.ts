// Long lists render only the rows in sight (plus a few either side): rows have one fixed height,
// so the rows above and below the window are stood in for by padding of the same height.

import { useLayoutEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';

export interface WindowedRowsOptions {
  /** How many rows the list has. */
  count: number;
  /** The height of every row in px (must match the CSS). */
  rowHeight: number;
  /** The row to keep in sight: when it changes the box scrolls, as little as needed, to show it. -1: none. */
  keepInSight?: number;
  /** Lists of up to this many rows render every row. */
  windowFrom?: number;
  /** Rows rendered beyond each edge of the box, so fast scrolling does not show blank space. */
  overscan?: number;
}

export interface WindowedRows<Box extends HTMLElement, List extends HTMLElement> {
  /** For the element that scrolls. */
  box: RefObject<Box | null>;
  /** For the element the rows start in, when other content scrolls with them (a heading); may stay unset. */
  list: RefObject<List | null>;
  /** Whether only a window of the rows is rendered. */
  windowed: boolean;
  /** The first row to render. */
  first: number;
  /** One past the last row to render. */
  last: number;
  /** Space in px standing in for the rows above `first` (the list's top padding). */
  paddingTop: number;
  /** Space in px standing in for the rows from `last` on (the list's bottom padding). */
  paddingBottom: number;
}

/** Below this many rows a list renders them all. */
export const WINDOW_FROM = 200;
const OVERSCAN = 10;
/** The box's height when it has no layout yet (hidden, or a DOM without layout). */
const FALLBACK_HEIGHT = 600;

interface Sight {
  /** The first row in sight. */
  from: number;
  /** One past the last row in sight (not clamped to the row count). */
  to: number;
}

/** Which rows of a long list of fixed-height rows to render, following the box's scrolling. */
export function useWindowedRows<Box extends HTMLElement, List extends HTMLElement = HTMLElement>({
  count,
  rowHeight,
  keepInSight = -1,
  windowFrom = WINDOW_FROM,
  overscan = OVERSCAN,
}: WindowedRowsOptions): WindowedRows<Box, List> {
  const box = useRef<Box>(null);
  const list = useRef<List>(null);
  const windowed = count > windowFrom;
  // Kept in state only when it changes, so scrolling within a row re-renders nothing.
  const [sight, setSight] = useState<Sight>(() => ({ from: 0, to: Math.ceil(FALLBACK_HEIGHT / rowHeight) }));

  useLayoutEffect(() => {
    const element = box.current;
    if (!element || !windowed) return;
    const measure = () => {
      const next = sightOf(element, list.current, rowHeight);
      setSight((prev) => (prev.from === next.from && prev.to === next.to ? prev : next));
    };
    element.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    // An observer reports the box's size once it is laid out (before that frame is painted): that
    // first report measures. Measuring here would force the whole page's style and layout in the
    // middle of React's commit (~40 ms when a long report has just opened beside the list).
    if (observer) observer.observe(element);
    else measure();
    return () => {
      element.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, [windowed, rowHeight]);

  // The row may not be rendered, so its place comes from its index, not from the DOM. A list
  // that changed length (a filter) also brings the row back, as the anchor of what changed.
  useLayoutEffect(() => {
    const element = box.current;
    if (!element || keepInSight < 0) return;
    // Every row of a short list is rendered: it is scrolled to at the next frame, whose layout
    // is needed then anyway, rather than forcing one in the middle of React's commit (~15 ms
    // when a long report has just opened beside the list).
    if (!windowed && typeof requestAnimationFrame === 'function') {
      const frame = requestAnimationFrame(() => scrollRowIntoView(element, list.current, keepInSight, rowHeight));
      return () => cancelAnimationFrame(frame);
    }
    // A real scroll event comes a frame later: say so now, so the row is rendered before it is painted.
    if (scrollRowIntoView(element, list.current, keepInSight, rowHeight)) element.dispatchEvent(new Event('scroll'));
  }, [keepInSight, rowHeight, count, windowed]);

  if (!windowed) return { box, list, windowed, first: 0, last: count, paddingTop: 0, paddingBottom: 0 };
  // A list that got shorter may be scrolled past its end until the box catches up: show its end.
  const from = Math.min(sight.from, Math.max(0, count - (sight.to - sight.from)));
  const last = Math.min(count, from + (sight.to - sight.from) + overscan);
  const first = Math.max(0, from - overscan);
  return { box, list, windowed, first, last, paddingTop: first * rowHeight, paddingBottom: (count - last) * rowHeight };
}

function sightOf(box: HTMLElement, list: HTMLElement | null, rowHeight: number): Sight {
  const top = box.scrollTop - listOffset(box, list);
  const from = Math.max(0, Math.floor(top / rowHeight));
  return { from, to: Math.max(from, Math.ceil((top + viewHeight(box)) / rowHeight)) };
}

/** Scroll the box as little as needed to show row `index`; returns whether it scrolled. */
function scrollRowIntoView(box: HTMLElement, list: HTMLElement | null, index: number, rowHeight: number): boolean {
  const top = listOffset(box, list) + index * rowHeight;
  const before = box.scrollTop;
  if (top < before) box.scrollTop = top;
  else if (top + rowHeight > before + viewHeight(box)) box.scrollTop = top + rowHeight - viewHeight(box);
  return box.scrollTop !== before;
}

function viewHeight(box: HTMLElement): number {
  return box.clientHeight || FALLBACK_HEIGHT;
}

/** How far below the top of the box's scrolled content the rows start. */
function listOffset(box: HTMLElement, list: HTMLElement | null): number {
  if (!list || list === box) return 0;
  // Offsets, unlike client rects, do not move with scrolling.
  return list.offsetParent === box ? list.offsetTop : list.offsetTop - box.offsetTop - box.clientTop;
}
