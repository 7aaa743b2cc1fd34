import { describe, expect, it, vi } from 'vitest';
import { unsavedGuard } from '../../../src/renderer/src/app/unsaved';

function unloadEvent(): BeforeUnloadEvent & { preventDefault: ReturnType<typeof vi.fn> } {
  return { preventDefault: vi.fn(), returnValue: undefined } as unknown as BeforeUnloadEvent & { preventDefault: ReturnType<typeof vi.fn> };
}

describe('unsavedGuard', () => {
  it('holds the page while an edit is being saved, and lets it go once it is written', () => {
    let saving = true;
    const guard = unsavedGuard(() => saving);
    const held = unloadEvent();
    guard(held);
    expect(held.preventDefault).toHaveBeenCalledOnce();
    expect(held.returnValue).toBe('');
    saving = false;
    const free = unloadEvent();
    guard(free);
    expect(free.preventDefault).not.toHaveBeenCalled();
    expect(free.returnValue).toBeUndefined();
  });
});
