import { useEffect } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { focusShotBlock } from '../features/timeline/focus';
import type { ProjectStore } from '../stores/project';

// The studio's keyboard shortcuts, on every page while a project is open:
//   Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo (also inside text fields: typing is undone in steps),
//   Ctrl+S save, Delete remove the selected shots, Alt+Left/Right move them.
// Delete and Alt+arrows leave text fields, lists and sliders alone, and the audio clips handle
// their own. Ctrl+Enter (render the shot in focus), Space (play) and "," / "." (step one frame) act
// only when the render queue and the player pass their actions in (ShortcutActions).

/** Actions other features lend to the shortcuts. */
export interface ShortcutActions {
  /** Ctrl+Enter: render the shot in focus. */
  render?(): void;
  /** Space (outside text fields and buttons): play or pause the preview. */
  togglePlay?(): void;
  /** "," and "." (outside text fields): the preview one frame back (-1) or forward (+1). */
  stepFrame?(delta: -1 | 1): void;
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

function inAudioClip(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('[data-audio-clip]') !== null;
}

export function handleShortcut(event: KeyboardEvent, project: StoreApi<ProjectStore>, actions: ShortcutActions = {}): boolean {
  const state = project.getState();
  if (state.status !== 'open') return false;
  const key = event.key.toLowerCase();
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey) {
    if (event.key === 'Enter' && actions.render !== undefined) {
      actions.render();
      return true;
    }
    if (key === 'z' && !event.shiftKey) {
      state.undo();
      return true;
    }
    if ((key === 'z' && event.shiftKey) || key === 'y') {
      state.redo();
      return true;
    }
    if (key === 's') {
      void state.saveNow();
      return true;
    }
    return false;
  }
  if (isTextEntry(event.target) || inAudioClip(event.target)) return false;
  const onControl = event.target instanceof HTMLButtonElement || (event.target instanceof HTMLElement && event.target.dataset.shotId !== undefined);
  if (event.key === ' ' && !mod && !event.altKey && !onControl && actions.togglePlay !== undefined) {
    actions.togglePlay();
    return true;
  }
  if ((event.key === ',' || event.key === '.') && !mod && !event.altKey && actions.stepFrame !== undefined) {
    actions.stepFrame(event.key === ',' ? -1 : 1);
    return true;
  }
  if ((event.key === 'Delete' || event.key === 'Backspace') && !mod && !event.altKey && state.selection.length > 0) {
    state.deleteSelected();
    const next = project.getState().focusId;
    if (next !== null) focusShotBlock(next);
    return true;
  }
  if (event.altKey && !mod && (event.key === 'ArrowLeft' || event.key === 'ArrowRight') && state.selection.length > 0) {
    state.nudgeSelected(event.key === 'ArrowLeft' ? -1 : 1);
    if (state.focusId !== null) focusShotBlock(state.focusId);
    return true;
  }
  return false;
}

/** Installs the shortcuts on the window for as long as the component lives. */
export function useStudioShortcuts(project: StoreApi<ProjectStore>, actions: ShortcutActions = NO_ACTIONS): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (handleShortcut(event, project, actions)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [project, actions]);
}

const NO_ACTIONS: ShortcutActions = {};
